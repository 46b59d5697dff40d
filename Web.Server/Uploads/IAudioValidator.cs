namespace Clap2Diffusion.Server.Uploads;

/// <summary>
/// Checks an uploaded clip by its content (never by its name or declared type). <see cref="EngineAudioValidator"/>
/// accepts every format the engine reads; <see cref="RiffWaveValidator"/> reads the 16-bit PCM WAV headers.
/// </summary>
public interface IAudioValidator
{
    /// <summary>The clip's facts, or <see cref="UploadRejectedException"/> with a message the user can act on.</summary>
    AudioFacts Inspect(ReadOnlySpan<byte> content, double maxSeconds);
}

/// <param name="Extension">How the content store names the file ("wav").</param>
public sealed record AudioFacts(string Extension, double DurationSeconds, int SampleRate, int Channels)
{
    /// <summary>What to store instead of the upload (a WAV conversion of another format); null stores the upload itself.</summary>
    public byte[]? Stored { get; init; }
}
