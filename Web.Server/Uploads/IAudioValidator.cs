namespace Clap2Diffusion.Server.Uploads;

/// <summary>
/// Checks an uploaded clip by its content (never by its name or declared type) and says what to store;
/// <see cref="AudioUploadDecoder"/> decodes it with the engine's decoders.
/// </summary>
public interface IAudioValidator
{
    /// <summary>The clip's facts, or <see cref="UploadRejectedException"/> with a message the user can act on.</summary>
    AudioFacts Inspect(byte[] content, AudioUploadLimits limits, CancellationToken cancellationToken = default);
}

/// <summary>What one clip may be: its length, and the size of what is stored once it is decoded.</summary>
public sealed record AudioUploadLimits(double MaxSeconds, long MaxStoredBytes);

/// <summary>What decoding an upload found, recorded with it so nothing decodes it again to learn them.</summary>
/// <param name="Extension">How the content store names the file ("wav").</param>
/// <param name="SampleRate">The rate of the stored clip: the upload's own, or 48 kHz when it had more.</param>
/// <param name="Channels">How many channels the upload had; the stored clip is their mono mix.</param>
/// <param name="Stored">What to store: the decoded clip as 16-bit PCM WAV.</param>
public sealed record AudioFacts(string Extension, double DurationSeconds, int SampleRate, int Channels, byte[] Stored);
