namespace Clap2Diffusion.Server.Uploads;

/// <summary>
/// Checks an uploaded clip by its content (never by its name or declared type). Today <see cref="RiffWaveValidator"/>
/// accepts the 16-bit PCM WAV the studio makes in the browser; once the engine's decoder lands, an implementation
/// backed by it can accept every format the engine reads.
/// </summary>
public interface IAudioValidator
{
    /// <summary>The clip's facts, or <see cref="UploadRejectedException"/> with a message the user can act on.</summary>
    AudioFacts Inspect(ReadOnlySpan<byte> content, double maxSeconds);
}

/// <param name="Extension">How the content store names the file ("wav").</param>
public sealed record AudioFacts(string Extension, double DurationSeconds, int SampleRate, int Channels);
