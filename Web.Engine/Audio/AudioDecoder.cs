namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// Turns what users have into a mono <see cref="AudioClip"/> at the file's own sample rate. The format is
/// chosen by content, never by file name: WAV (RIFF, RIFX, RF64/BW64), FLAC, MP3 and Ogg Vorbis are decoded
/// in-process; anything else (Opus, AAC, M4A, WebM/Matroska, AIFF ...) goes to ffmpeg when it is available.
/// Channels are averaged. Silence is valid audio (an all-zero clip). Every failure the input can cause is an
/// <see cref="AudioFormatException"/> (an <see cref="InputException"/>).
/// </summary>
public static class AudioDecoder
{
    /// <summary>What is decoded without ffmpeg.</summary>
    public const string InProcessFormats = "WAV (PCM 8/16/24/32-bit, float 32/64-bit, A-law, µ-law), FLAC, MP3 and mono/stereo Ogg Vorbis";

    /// <summary>Everything, for messages that tell a user what to upload.</summary>
    public const string SupportedFormats = InProcessFormats +
        "; with ffmpeg installed also Opus, AAC, M4A/MP4, WebM/Matroska, AIFF, surround Vorbis and the other formats ffmpeg reads";

    public static AudioClip DecodeFile(string path, AudioDecoderOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= AudioDecoderOptions.Default;
        var origin = Path.GetFileName(path);
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new AudioFormatException(origin, "file not found");
        CheckSize(origin, file.Length, options.Limits);
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (IOException error)
        {
            throw new AudioFormatException(origin, $"cannot read the file ({error.Message})", error);
        }
        return Decode(data, origin, path, options, cancellationToken);
    }

    /// <summary>Decodes an upload or any other stream, reading at most the byte limit (plus one byte to notice more).</summary>
    public static AudioClip Decode(Stream stream, string origin, AudioDecoderOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= AudioDecoderOptions.Default;
        var limit = options.Limits.MaxBytes;
        using var copy = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, limit + 1 - copy.Length))) > 0)
        {
            copy.Write(chunk, 0, read);
            CheckSize(origin, copy.Length, options.Limits);
            if (copy.Length > limit)
                break;
        }
        return Decode(copy.ToArray(), origin, options, cancellationToken);
    }

    public static AudioClip Decode(byte[] data, string origin, AudioDecoderOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= AudioDecoderOptions.Default;
        CheckSize(origin, data.Length, options.Limits);
        return Decode(data, origin, null, options, cancellationToken);
    }

    private static AudioClip Decode(byte[] data, string origin, string? path, AudioDecoderOptions options, CancellationToken cancellationToken)
    {
        if (data.Length == 0)
            throw new AudioFormatException(origin, "the file is empty");
        var limits = options.Limits;
        var format = AudioFormatSniffer.Sniff(data);
        switch (format.Kind)
        {
            case SniffedKind.Wav:
                var layout = WavReader.ReadLayout(data, origin);
                if (layout.Format.Encoding != WavEncoding.Other)
                    return WavReader.Decode(data, origin, limits);
                return WithFfmpeg(data, origin, path, $"WAV ({layout.Format.Codec})", options, cancellationToken);
            case SniffedKind.Flac:
                return Flac.FlacDecoder.Decode(data, format.Offset, origin, limits);
            case SniffedKind.Mp3:
                return Mp3Reader.Decode(data, format.Offset, origin, limits, cancellationToken);
            case SniffedKind.OggVorbis:
                return VorbisReader.Decode(data, origin, limits, cancellationToken);
            case SniffedKind.Text:
                throw new AudioFormatException(origin, $"this is a text file, not audio (supported: {SupportedFormats})");
            default:
                return WithFfmpeg(data, origin, path, format.Description, options, cancellationToken);
        }
    }

    private static AudioClip WithFfmpeg(byte[] data, string origin, string? path, string description, AudioDecoderOptions options,
        CancellationToken cancellationToken)
    {
        var known = description != "unknown";
        var ffmpeg = FfmpegDecoder.Locate(options.FfmpegPath);
        if (ffmpeg is null)
            throw new AudioFormatException(origin, known
                ? $"{description} audio needs ffmpeg, which is not installed (without it: {InProcessFormats})"
                : $"not a recognised audio format (supported: {SupportedFormats})");
        if (path is not null)
            return FfmpegDecoder.Decode(ffmpeg, path, origin, description, options.Limits, cancellationToken);

        var temporary = Path.Combine(Path.GetTempPath(), $"c2d-ffmpeg-input-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(temporary, data);
            return FfmpegDecoder.Decode(ffmpeg, temporary, origin, description, options.Limits, cancellationToken);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void CheckSize(string origin, long bytes, AudioLimits limits)
    {
        if (bytes > limits.MaxBytes)
            throw new AudioFormatException(origin, $"the file is larger than the {limits.MaxBytes / (1024.0 * 1024.0):0.#} MB limit");
    }
}
