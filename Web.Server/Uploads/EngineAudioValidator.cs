using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Audio;

namespace Clap2Diffusion.Server.Uploads;

/// <summary>
/// Checks uploads with the engine's own decoder, by content: WAV, FLAC, MP3 and Ogg Vorbis natively, other formats
/// through ffmpeg when the server has it. A clip that is not 16-bit PCM WAV is stored as one (mono, its own sample
/// rate), so the studio, the gallery and the engine all read one format. Truncated files are refused rather than
/// silently shortened.
/// </summary>
public sealed class EngineAudioValidator : IAudioValidator
{
    private readonly RiffWaveValidator wave = new();

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
        if (clip.Duration.TotalSeconds > maxSeconds)
            throw new UploadRejectedException($"The clip lasts {clip.Duration.TotalSeconds:0.#} s; at most {maxSeconds:0.#} s are accepted.");
        if (clip.Source is { Container: AudioContainer.Wav, Codec: "pcm_s16" } && content.Length > 4 && content[..4].SequenceEqual("RIFF"u8))
            return wave.Inspect(content, maxSeconds);
        var stored = WavWriter.Encode(clip.Samples, clip.SampleRate);
        return new AudioFacts("wav", clip.Duration.TotalSeconds, clip.SampleRate, 1) { Stored = stored };
    }
}
