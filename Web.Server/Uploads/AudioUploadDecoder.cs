using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Audio;

namespace Clap2Diffusion.Server.Uploads;

/// <summary>
/// Decodes an upload once, by content, with the engine's managed decoders (WAV, FLAC, MP3 and Ogg Vorbis; other
/// formats through ffmpeg when the server has it), and stores what it decoded: a mono 16-bit PCM WAV at the clip's
/// own rate. So the studio, the gallery and the engine (in this process or another) read one format, and the facts
/// recorded with the upload are the decoder's. Truncated files are refused rather than silently shortened.
/// </summary>
public sealed class AudioUploadDecoder : IAudioValidator
{
    public AudioFacts Inspect(ReadOnlySpan<byte> content, double maxSeconds)
    {
        AudioClip clip;
        try
        {
            clip = AudioDecoder.Decode(content.ToArray(), "upload",
                new AudioDecoderOptions { Limits = AudioLimits.Default with { MaxDuration = TimeSpan.FromSeconds(maxSeconds) } });
        }
        catch (InputException error)
        {
            throw new UploadRejectedException($"This file cannot be used as a sound: {error.Message}");
        }
        if (clip.Source.Truncated)
            throw new UploadRejectedException("The audio file is truncated: it ends before the length its header announces. Upload the complete file.");
        if (clip.Samples.Length == 0)
            throw new UploadRejectedException("The audio file holds no samples.");
        if (clip.Duration.TotalSeconds > maxSeconds)
            throw new UploadRejectedException($"The clip lasts {clip.Duration.TotalSeconds:0.#} s; at most {maxSeconds:0.#} s are accepted.");
        return new AudioFacts("wav", clip.Duration.TotalSeconds, clip.SampleRate, clip.Source.Channels, WavWriter.Encode(clip.Samples, clip.SampleRate));
    }
}
