using System.Buffers.Binary;
using System.Text;

namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// RIFF/RIFX/RF64/BW64 WAVE files: integer PCM (8-bit unsigned, 16/24/32-bit signed, any valid-bit count
/// in those containers), 32/64-bit float, A-law and µ-law, plain or WAVE_FORMAT_EXTENSIBLE, any channel count.
/// A data chunk shorter than its header claims (a truncated download, a recorder that died) is decoded as
/// far as it goes and the clip is marked <see cref="AudioSourceInfo.Truncated"/>.
/// </summary>
internal static class WavReader
{
    private const uint UnknownSize = 0xFFFFFFFF;

    // KSDATAFORMAT_SUBTYPE_* GUIDs share these last 14 bytes; the first two hold the plain format tag.
    private static readonly byte[] SubFormatTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    public static bool IsWav(ReadOnlySpan<byte> data) =>
        data.Length >= 12 && data[8..12].SequenceEqual("WAVE"u8) &&
        (data[..4].SequenceEqual("RIFF"u8) || data[..4].SequenceEqual("RIFX"u8) ||
         data[..4].SequenceEqual("RF64"u8) || data[..4].SequenceEqual("BW64"u8));

    /// <summary>
    /// Finds the format and the data chunk. With <paramref name="streaming"/> the bytes are only a prefix of a
    /// stream still being written, so a data chunk running past them is expected rather than truncated.
    /// </summary>
    public static WavLayout ReadLayout(ReadOnlySpan<byte> data, string origin, bool streaming = false)
    {
        if (!IsWav(data))
            throw new AudioFormatException(origin, "not a WAV file");
        var bigEndian = data[..4].SequenceEqual("RIFX"u8);
        var rf64 = data[..4].SequenceEqual("RF64"u8) || data[..4].SequenceEqual("BW64"u8);
        var riffSize = ReadUInt32(data[4..], bigEndian);
        var streamedSizes = riffSize is UnknownSize or 0 && !rf64;

        WavFormat? format = null;
        long ds64DataSize = -1;
        long dataOffset = -1, declaredDataSize = 0;
        long position = 12;
        while (position + 8 <= data.Length && (format is null || dataOffset < 0))
        {
            var id = data.Slice((int)position, 4);
            long size = ReadUInt32(data[((int)position + 4)..], bigEndian);
            var body = position + 8;
            if (id.SequenceEqual("data"u8))
            {
                dataOffset = body;
                declaredDataSize = rf64 && size == UnknownSize ? ds64DataSize : size;
                // A data chunk of unknown size cannot be skipped to look for a later 'fmt '.
                if (format is not null || size == UnknownSize)
                    break;
            }
            else if (body + size > data.Length)
            {
                if (streaming)
                    throw new AudioFormatException(origin, "WAV header chunk is incomplete");
                throw new AudioFormatException(origin, $"WAV chunk '{Printable(id)}' runs past the end of the file (truncated?)");
            }
            else if (id.SequenceEqual("fmt "u8))
                format = ReadFormat(data.Slice((int)body, (int)size), bigEndian, origin);
            else if (id.SequenceEqual("ds64"u8) && size >= 16)
                ds64DataSize = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(data[((int)body + 8)..]), long.MaxValue);
            position = body + size + (size & 1);
        }

        if (format is null)
            throw new AudioFormatException(origin, dataOffset < 0 ? "WAV file has no 'fmt ' chunk" : "WAV 'fmt ' chunk must come before the samples");
        if (dataOffset < 0)
            throw new AudioFormatException(origin, "WAV file has no 'data' chunk");

        var available = data.Length - dataOffset;
        var unknownLength = declaredDataSize == UnknownSize || (declaredDataSize == 0 && streamedSizes && available > 0) || declaredDataSize < 0;
        if (unknownLength && streaming)
            return new WavLayout(format, bigEndian, dataOffset, -1, false);
        var length = unknownLength ? available : Math.Min(declaredDataSize, available);
        var truncated = !unknownLength && declaredDataSize > available;
        return new WavLayout(format, bigEndian, dataOffset, length / format.BlockAlign * format.BlockAlign, truncated);
    }

    public static AudioClip Decode(ReadOnlySpan<byte> data, string origin, AudioLimits limits)
    {
        var layout = ReadLayout(data, origin);
        var format = layout.Format;
        if (format.Encoding == WavEncoding.Other)
            throw new AudioFormatException(origin, $"WAV codec {format.Codec} is not supported here");
        limits.CheckFormat(origin, format.SampleRate, format.Channels);
        var frames = layout.DataLength / format.BlockAlign;
        limits.CheckFrameCount(origin, frames, format.SampleRate);
        var buffer = new MonoBuffer(origin, limits, format.SampleRate, format.Channels, frames);
        ConvertFrames(data.Slice((int)layout.DataOffset, (int)layout.DataLength), format, layout.BigEndian, buffer, origin);
        limits.CheckDecoded(origin, buffer.Count, format.SampleRate);
        var bits = format.Encoding is WavEncoding.ALaw or WavEncoding.MuLaw ? 8 : format.BytesPerSample * 8;
        return new AudioClip(buffer.ToArray(), format.SampleRate,
            new AudioSourceInfo(AudioContainer.Wav, format.Codec, format.SampleRate, format.Channels, bits, layout.Truncated));
    }

    /// <summary>Converts whole frames to float and adds them, downmixed, to <paramref name="sink"/>.</summary>
    public static void ConvertFrames(ReadOnlySpan<byte> bytes, WavFormat format, bool bigEndian, MonoBuffer sink, string origin)
    {
        var width = format.BytesPerSample;
        var frameCount = bytes.Length / format.BlockAlign;
        const int FramesPerChunk = 4096;
        var chunk = new float[Math.Min(frameCount, FramesPerChunk) * format.Channels];
        for (var start = 0; start < frameCount; start += FramesPerChunk)
        {
            var frames = Math.Min(FramesPerChunk, frameCount - start);
            var values = chunk.AsSpan(0, frames * format.Channels);
            var source = bytes.Slice(start * format.BlockAlign, frames * format.BlockAlign);
            for (var i = 0; i < values.Length; i++)
                values[i] = ReadSample(source.Slice(i * width, width), format.Encoding, bigEndian);
            foreach (var value in values)
                if (!float.IsFinite(value))
                    throw new AudioFormatException(origin, "WAV float samples contain NaN or infinity");
            sink.AddInterleaved(values);
        }
    }

    private static float ReadSample(ReadOnlySpan<byte> b, WavEncoding encoding, bool bigEndian) => encoding switch
    {
        WavEncoding.Float when b.Length == 4 => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
        WavEncoding.Float => (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b)),
        WavEncoding.ALaw => G711.ALaw(b[0]),
        WavEncoding.MuLaw => G711.MuLaw(b[0]),
        _ => b.Length switch
        {
            1 => (b[0] - 128) / 128f,
            2 => (bigEndian ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b)) / 32768f,
            3 => (bigEndian ? (sbyte)b[0] << 16 | b[1] << 8 | b[2] : (sbyte)b[2] << 16 | b[1] << 8 | b[0]) / 8388608f,
            _ => (float)((bigEndian ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b)) / 2147483648.0),
        },
    };

    private static WavFormat ReadFormat(ReadOnlySpan<byte> chunk, bool bigEndian, string origin)
    {
        if (chunk.Length < 16)
            throw new AudioFormatException(origin, $"WAV 'fmt ' chunk is {chunk.Length} bytes, shorter than the 16 it needs");
        var tag = ReadUInt16(chunk, bigEndian);
        int channels = ReadUInt16(chunk[2..], bigEndian);
        var sampleRate = ReadUInt32(chunk[4..], bigEndian);
        int blockAlign = ReadUInt16(chunk[12..], bigEndian);
        int bits = ReadUInt16(chunk[14..], bigEndian);
        if (tag == 0xFFFE)
        {
            if (chunk.Length < 40)
                throw new AudioFormatException(origin, "WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is too short");
            var guid = chunk.Slice(24, 16);
            tag = guid[2..].SequenceEqual(SubFormatTail) ? ReadUInt16(guid, bigEndian) : (ushort)0xFFFF;
        }
        if (channels == 0)
            throw new AudioFormatException(origin, "WAV header says 0 channels");
        if (sampleRate == 0 || sampleRate > int.MaxValue)
            throw new AudioFormatException(origin, $"WAV header says the sample rate is {sampleRate} Hz");

        var encoding = tag switch
        {
            1 => WavEncoding.Pcm,
            3 => WavEncoding.Float,
            6 => WavEncoding.ALaw,
            7 => WavEncoding.MuLaw,
            _ => WavEncoding.Other,
        };
        if (encoding == WavEncoding.Other)
            return new WavFormat(encoding, tag, channels, (int)sampleRate, Math.Max(blockAlign, 1), bits);

        var width = (bits + 7) / 8;
        var valid = encoding switch
        {
            WavEncoding.Pcm => width is >= 1 and <= 4,
            WavEncoding.Float => width is 4 or 8,
            _ => width == 1,
        };
        if (!valid || blockAlign != channels * width)
            throw new AudioFormatException(origin,
                $"WAV {encoding} with {bits} bits per sample and block align {blockAlign} for {channels} channels is not a supported layout");
        return new WavFormat(encoding, tag, channels, (int)sampleRate, blockAlign, bits);
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private static uint ReadUInt32(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    private static string Printable(ReadOnlySpan<byte> id)
    {
        var text = new StringBuilder(4);
        foreach (var b in id)
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        return text.ToString();
    }
}
