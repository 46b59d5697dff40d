using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Audio;

namespace Clap2Diffusion.Server.Uploads;

/// <summary>
/// Decodes an upload once, by content, with the engine's managed decoders (WAV, FLAC, MP3 and Ogg Vorbis; other
/// formats through ffmpeg when the server has it), and stores what it decoded: a mono 16-bit PCM WAV at the clip's
/// own rate, or at 48 kHz when it had more. So the studio, the gallery and the engine (in this process or another)
/// read one format, the facts recorded with the upload are the decoder's, and a small file cannot become a large
/// one: a FLAC of silence at 384 kHz is stored at CLAP's 48 kHz, and what is stored is held to
/// <see cref="AudioUploadLimits.MaxStoredBytes"/> like the upload itself. Truncated files are refused rather than
/// silently shortened.
/// </summary>
public sealed class AudioUploadDecoder : IAudioValidator
{
    /// <summary>CLAP hears 48 kHz; a higher rate stores only what the model never reads.</summary>
    public const int MaxStoredRate = 48_000;

    private const int WavHeaderBytes = 44;

    public AudioFacts Inspect(byte[] content, AudioUploadLimits limits, CancellationToken cancellationToken = default)
    {
        AudioClip clip;
        try
        {
            clip = AudioDecoder.Decode(content, "upload",
                new AudioDecoderOptions { Limits = AudioLimits.Default with { MaxDuration = TimeSpan.FromSeconds(limits.MaxSeconds) } }, cancellationToken);
        }
        catch (InputException error)
        {
            throw new UploadRejectedException($"This file cannot be used as a sound: {error.Message}");
        }
        if (clip.Source.Truncated)
            throw new UploadRejectedException("The audio file is truncated: it ends before the length its header announces. Upload the complete file.");
        if (clip.Samples.Length == 0)
            throw new UploadRejectedException("The audio file holds no samples.");
        if (clip.Duration.TotalSeconds > limits.MaxSeconds)
            throw new UploadRejectedException($"The clip lasts {clip.Duration.TotalSeconds:0.#} s; at most {limits.MaxSeconds:0.#} s are accepted.");

        var rate = Math.Min(clip.SampleRate, MaxStoredRate);
        // Sized before anything is resampled or encoded: 16-bit mono samples at the stored rate, and the header.
        var storedBytes = WavHeaderBytes + 2 * (long)Math.Ceiling(clip.Samples.LongLength * (double)rate / clip.SampleRate);
        if (storedBytes > limits.MaxStoredBytes)
            throw new UploadRejectedException(
                $"Decoded, this clip would take {storedBytes / 1e6:0.0#} MB ({clip.Duration.TotalSeconds:0.#} s at {rate:N0} Hz); at most " +
                $"{limits.MaxStoredBytes / 1e6:0.0#} MB are stored per clip. Send a shorter clip.", StatusCodes.Status413PayloadTooLarge);
        cancellationToken.ThrowIfCancellationRequested();
        var samples = rate == clip.SampleRate ? clip.Samples : Resampler.Resample(clip.Samples, clip.SampleRate, rate);
        return new AudioFacts("wav", clip.Duration.TotalSeconds, rate, clip.Source.Channels, WavWriter.Encode(samples, rate));
    }
}
