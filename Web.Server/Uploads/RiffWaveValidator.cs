using System.Buffers.Binary;

namespace Clap2Diffusion.Server.Uploads;

/// <summary>
/// Accepts 16-bit PCM WAV (RIFF) only, reading the header chunks and checking that the samples the header
/// announces are really there. <see cref="EngineAudioValidator"/> decodes every upload with the engine and hands
/// it the clips that already are 16-bit PCM WAV, which are stored as uploaded, with the facts their header gives.
/// </summary>
public sealed class RiffWaveValidator : IAudioValidator
{
    private const ushort PcmFormat = 1;
    private const ushort ExtensibleFormat = 0xFFFE;

    public AudioFacts Inspect(ReadOnlySpan<byte> content, double maxSeconds)
    {
        if (content.Length < 12 || !content[..4].SequenceEqual("RIFF"u8) || !content.Slice(8, 4).SequenceEqual("WAVE"u8))
            throw new UploadRejectedException(
                "This file is not a WAV recording (it lacks the RIFF/WAVE header). The studio converts any audio your " +
                "browser can play; scripts must send 16-bit PCM WAV.");

        (ushort Channels, int SampleRate, ushort BitsPerSample)? format = null;
        var offset = 12;
        while (offset + 8 <= content.Length)
        {
            var id = content.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(content.Slice(offset + 4, 4));
            var body = offset + 8;
            var available = content.Length - body;
            if (id.SequenceEqual("fmt "u8))
                format = ReadFormat(content.Slice(body, (int)Math.Min(size, (uint)available)));
            else if (id.SequenceEqual("data"u8))
                return Facts(format, size, available, maxSeconds);
            if (size > (uint)available)
                break;
            offset = body + (int)size + (int)(size & 1);
        }

        throw new UploadRejectedException("The WAV file is truncated or damaged: it has no complete sample data.");
    }

    private static (ushort, int, ushort) ReadFormat(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length < 16)
            throw new UploadRejectedException("The WAV file is damaged: its format chunk is too short.");
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(chunk);
        if (tag == ExtensibleFormat && chunk.Length >= 26)
            tag = BinaryPrimitives.ReadUInt16LittleEndian(chunk[24..]);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]);
        var sampleRate = BinaryPrimitives.ReadInt32LittleEndian(chunk[4..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(chunk[14..]);
        if (tag != PcmFormat || bits != 16)
            throw new UploadRejectedException(
                $"Only 16-bit PCM WAV is accepted; this file is {(tag == PcmFormat ? $"{bits}-bit PCM" : $"format {tag}")}. " +
                "The studio page converts other formats in the browser.");
        if (channels is < 1 or > 8)
            throw new UploadRejectedException($"The WAV file declares {channels} channels; 1 to 8 are accepted.");
        if (sampleRate is < 8_000 or > 192_000)
            throw new UploadRejectedException($"The WAV file's sample rate is {sampleRate} Hz; 8,000 to 192,000 Hz are accepted.");
        return (channels, sampleRate, bits);
    }

    private static AudioFacts Facts((ushort Channels, int SampleRate, ushort BitsPerSample)? format, uint size, int available, double maxSeconds)
    {
        if (format is not { } f)
            throw new UploadRejectedException("The WAV file is damaged: its sample data comes before its format chunk.");
        if (size > (uint)available)
            throw new UploadRejectedException(
                $"The WAV file is truncated: its header announces {size:N0} bytes of samples but only {available:N0} are there.");
        var frameBytes = f.Channels * 2;
        var frames = size / frameBytes;
        if (frames == 0)
            throw new UploadRejectedException("The WAV file holds no samples.");
        var seconds = (double)frames / f.SampleRate;
        if (seconds > maxSeconds)
            throw new UploadRejectedException($"The clip is {seconds:0.0} s long; at most {maxSeconds:0.#} s are accepted.");
        return new AudioFacts("wav", seconds, f.SampleRate, f.Channels);
    }
}
