using System.Buffers.Binary;
using System.Numerics;

namespace Clap2Diffusion.Engine.Audio.Flac;

/// <summary>Thrown when a FLAC frame needs more bits than the file holds: the file was cut short.</summary>
internal sealed class FlacEndOfDataException() : Exception("the FLAC data ends inside a frame");

/// <summary>Big-endian bit reader over a byte range, as FLAC frames are coded (most significant bit first).</summary>
internal sealed class FlacBitReader(byte[] data, int start, int end)
{
    private readonly long endBit = (long)end * 8;
    private long bit = (long)start * 8;

    public int BytePosition => (int)(bit >> 3);

    public bool IsByteAligned => (bit & 7) == 0;

    public long BitsLeft => endBit - bit;

    public void SeekToByte(int position) => bit = (long)position * 8;

    public void AlignToByte() => bit = (bit + 7) & ~7L;

    /// <summary>Reads an unsigned value of up to 56 bits.</summary>
    public ulong ReadBits(int count)
    {
        if (count == 0)
            return 0;
        if (bit + count > endBit)
            throw new FlacEndOfDataException();
        var window = Load(bit) << (int)(bit & 7);
        bit += count;
        return window >> (64 - count);
    }

    public uint ReadUInt(int count) => (uint)ReadBits(count);

    /// <summary>Reads a two's-complement value of up to 56 bits.</summary>
    public long ReadSigned(int count)
    {
        if (count == 0)
            return 0;
        var value = (long)ReadBits(count);
        var shift = 64 - count;
        return (value << shift) >> shift;
    }

    /// <summary>Counts zero bits up to and past the next one bit (the unary code used by Rice coding).</summary>
    public long ReadUnary()
    {
        long zeros = 0;
        while (true)
        {
            if (bit >= endBit)
                throw new FlacEndOfDataException();
            var shift = (int)(bit & 7);
            var window = Load(bit) << shift;
            if (window == 0)
            {
                var skipped = Math.Min(64 - shift, endBit - bit);
                zeros += skipped;
                bit += skipped;
                continue;
            }
            var leading = BitOperations.LeadingZeroCount(window);
            if (bit + leading >= endBit)
                throw new FlacEndOfDataException();
            zeros += leading;
            bit += leading + 1;
            return zeros;
        }
    }

    /// <summary>Eight bytes from the byte holding <paramref name="at"/>, big-endian, zeros past the end.</summary>
    private ulong Load(long at)
    {
        var index = (int)(at >> 3);
        var endByte = (int)(endBit >> 3);
        if (index + 8 <= endByte)
            return BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(index, 8));
        ulong value = 0;
        for (var i = 0; i < 8; i++)
            value = (value << 8) | (index + i < endByte ? data[index + i] : 0UL);
        return value;
    }
}
