namespace Clap2Diffusion.Engine.Audio;

/// <summary>Audio that cannot be used: an unknown or unsupported format, corrupt data, or input outside the limits.</summary>
public sealed class AudioFormatException : InputException
{
    public AudioFormatException(string origin, string problem) : base($"{origin}: {problem}")
    {
        Origin = origin;
        Problem = problem;
    }

    public AudioFormatException(string origin, string problem, Exception inner) : base($"{origin}: {problem}", inner)
    {
        Origin = origin;
        Problem = problem;
    }

    /// <summary>The file name, or a description of where the bytes came from.</summary>
    public string Origin { get; }

    public string Problem { get; }
}
