using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>Writes small solid-colour RGB PNGs (with an optional "parameters" text chunk) for the test backend.</summary>
public static class TinyPng
{
    public static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static byte[] Solid(int size, byte r, byte g, byte b, string? parameters = null)
    {
        using var output = new MemoryStream();
        output.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, size);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), size);
        header[8] = 8;
        header[9] = 2;
        Chunk(output, "IHDR", header);
        if (parameters is not null)
            Chunk(output, "tEXt", Encoding.Latin1.GetBytes($"parameters\0{parameters}"));
        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[1 + size * 3];
            for (var x = 0; x < size; x++)
                (row[1 + x * 3], row[2 + x * 3], row[3 + x * 3]) = (r, g, b);
            for (var y = 0; y < size; y++)
                zlib.Write(row);
        }

        Chunk(output, "IDAT", pixels.ToArray());
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>
    /// A PNG whose header claims <paramref name="width"/> x <paramref name="height"/> but which holds no pixels: a
    /// decompression bomb's shape, which a reader must refuse from the header without decoding.
    /// </summary>
    public static byte[] Claiming(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        Chunk(output, "IHDR", header);
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    public static string? Parameters(byte[] png)
    {
        var offset = Signature.Length;
        while (offset + 8 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            if (type == "tEXt")
            {
                var text = Encoding.Latin1.GetString(png, offset + 8, length);
                if (text.StartsWith("parameters\0", StringComparison.Ordinal))
                    return text["parameters\0".Length..];
            }

            offset += 12 + length;
        }

        return null;
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        output.Write(number);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        output.Write(number);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }

        return crc ^ 0xFFFFFFFFu;
    }
}
