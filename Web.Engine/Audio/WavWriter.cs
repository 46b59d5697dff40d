using System.Buffers.Binary;

namespace Clap2Diffusion.Engine.Audio;

public enum WavSampleFormat
{
    /// <summary>16-bit signed PCM: round(x·32768) clamped to [-32768, 32767], no dither, so the same input gives the same bytes.</summary>
    Pcm16,
    /// <summary>32-bit IEEE float, the samples as they are.</summary>
    Float32,
}

/// <summary>
/// Writes canonical 44-byte-header WAV files (RIFF, 'fmt ' of 16 bytes, 'data'). Files are written under a
/// temporary name in the same folder and renamed into place, so a reader never sees half a file.
/// </summary>
public static class WavWriter
{
    public static void Write(string path, AudioClip clip, WavSampleFormat format = WavSampleFormat.Pcm16) =>
        Write(path, clip.Samples, clip.SampleRate, 1, format);

    /// <summary>Writes interleaved samples (L R L R ... for stereo).</summary>
    public static void Write(string path, ReadOnlySpan<float> interleaved, int sampleRate, int channels = 1,
        WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        var bytes = Encode(interleaved, sampleRate, channels, format);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    public static byte[] Encode(ReadOnlySpan<float> interleaved, int sampleRate, int channels = 1, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (interleaved.Length % channels != 0)
            throw new ArgumentException($"{interleaved.Length} samples are not a whole number of {channels}-channel frames", nameof(interleaved));
        var width = format == WavSampleFormat.Pcm16 ? 2 : 4;
        var dataLength = (long)interleaved.Length * width;
        if (dataLength > uint.MaxValue - 36)
            throw new ArgumentException("too many samples for a WAV file", nameof(interleaved));

        var bytes = new byte[44 + dataLength];
        var header = bytes.AsSpan();
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(36 + dataLength));
        "WAVEfmt "u8.CopyTo(header[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], (ushort)(format == WavSampleFormat.Pcm16 ? 1 : 3));
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)(sampleRate * channels * width));
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], (ushort)(channels * width));
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], (ushort)(width * 8));
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], (uint)dataLength);

        var data = header[44..];
        for (var i = 0; i < interleaved.Length; i++)
        {
            if (format == WavSampleFormat.Pcm16)
                BinaryPrimitives.WriteInt16LittleEndian(data[(i * 2)..], ToPcm16(interleaved[i]));
            else
                BinaryPrimitives.WriteSingleLittleEndian(data[(i * 4)..], interleaved[i]);
        }
        return bytes;
    }

    private static short ToPcm16(float sample)
    {
        if (float.IsNaN(sample))
            return 0;
        var scaled = Math.Round((double)sample * 32768.0, MidpointRounding.AwayFromZero);
        return (short)Math.Clamp(scaled, short.MinValue, short.MaxValue);
    }
}
