using System.Buffers.Binary;

namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// Checks an Ogg file's page layer before a decoder sees it: every page starts with "OggS", fits in the file and
/// carries the checksum of its bytes. NVorbis trusts the page headers, and one damaged segment count sent its
/// constructor into a loop that never returned; a page that fails here is corruption, reported at its offset.
/// A last page cut short (a truncated download) is dropped, so the complete pages before it still decode.
/// </summary>
internal static class OggPages
{
    private const int HeaderSize = 27;
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>The length of the data up to the end of its last complete page.</summary>
    public static int CompleteLength(ReadOnlySpan<byte> data, string origin)
    {
        var position = 0;
        while (position < data.Length)
        {
            var rest = data[position..];
            if (rest.Length < HeaderSize || rest.Length < HeaderSize + rest[26])
                break;
            if (!rest.StartsWith("OggS"u8) || rest[4] != 0)
                throw new AudioFormatException(origin, $"corrupt Ogg data: no page header at byte {position}");
            var segments = rest.Slice(HeaderSize, rest[26]);
            var length = HeaderSize + segments.Length;
            foreach (var segment in segments)
                length += segment;
            if (rest.Length < length)
                break;
            if (Crc(rest[..length]) != BinaryPrimitives.ReadUInt32LittleEndian(rest[22..]))
                throw new AudioFormatException(origin, $"corrupt Ogg data: the page at byte {position} fails its checksum");
            position += length;
        }
        if (position == 0)
            throw new AudioFormatException(origin, "corrupt Ogg data: not one complete page");
        return position;
    }

    // The Ogg CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, over the page with its checksum field as zeros.
    private static uint Crc(ReadOnlySpan<byte> page)
    {
        var crc = 0u;
        for (var i = 0; i < page.Length; i++)
        {
            var value = i is >= 22 and < 26 ? (byte)0 : page[i];
            crc = (crc << 8) ^ CrcTable[(crc >> 24) ^ value];
        }
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var i = 0u; i < 256; i++)
        {
            var r = i << 24;
            for (var bit = 0; bit < 8; bit++)
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            table[i] = r;
        }
        return table;
    }
}
