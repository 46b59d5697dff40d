namespace Clap2Diffusion.Engine.Weights;

/// <summary>A weights file that cannot be read: malformed, truncated, or of an unknown kind.</summary>
public sealed class WeightsFormatException(string path, string problem)
    : InputException($"{path}: {problem}")
{
    public string FilePath { get; } = path;
    public string Problem { get; } = problem;
}
