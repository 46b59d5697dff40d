using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Clap2Diffusion.Engine.Imaging.Png;

/// <summary>
/// Writes 8-bit RGB PNGs with text chunks. Text follows the Python imaging library's rule that image tools
/// (A1111 "PNG Info", ComfyUI) expect: tEXt when the value is Latin-1, iTXt (UTF-8) otherwise. Files are
/// written under a temporary name and renamed, so a partial PNG never appears.
/// </summary>
public static class PngWriter
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static void Save(string path, int width, int height, ReadOnlySpan<byte> rgb, IEnumerable<PngText>? texts = null)
    {
        var bytes = Encode(width, height, rgb, texts);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
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

    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> rgb, IEnumerable<PngText>? texts = null)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} is empty");
        if (rgb.Length != checked(width * height * 3))
            throw new ArgumentException($"expected {width * height * 3} RGB bytes for {width}x{height}, got {rgb.Length}", nameof(rgb));

        using var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: truecolour
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR", header);

        foreach (var text in texts ?? [])
            WriteText(output, text);

        WriteChunk(output, "IDAT", CompressScanlines(width, height, rgb));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void WriteText(Stream output, PngText text)
    {
        PngText.ValidateKeyword(text.Keyword);
        var keyword = Encoding.Latin1.GetBytes(text.Keyword);
        using var body = new MemoryStream();
        body.Write(keyword);
        body.WriteByte(0);
        if (!text.International && PngText.IsLatin1(text.Text))
        {
            body.Write(Encoding.Latin1.GetBytes(text.Text));
            WriteChunk(output, "tEXt", body.ToArray());
            return;
        }
        // iTXt: keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty translated keyword, NUL.
        body.Write([0, 0, 0, 0]);
        body.Write(Encoding.UTF8.GetBytes(text.Text));
        WriteChunk(output, "iTXt", body.ToArray());
    }

    private static byte[] CompressScanlines(int width, int height, ReadOnlySpan<byte> rgb)
    {
        var stride = width * 3;
        var previous = new byte[stride];
        var filtered = new byte[stride];
        var best = new byte[stride];
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                var row = rgb.Slice(y * stride, stride);
                var bestType = ChooseFilter(row, previous, filtered, best);
                zlib.WriteByte(bestType);
                zlib.Write(best);
                row.CopyTo(previous);
            }
        }
        return compressed.ToArray();
    }

    // libpng's heuristic: pick the filter whose output has the smallest sum of absolute (signed) values.
    private static byte ChooseFilter(ReadOnlySpan<byte> row, byte[] previous, byte[] scratch, byte[] best)
    {
        var bestScore = long.MaxValue;
        byte bestType = 0;
        for (byte type = 0; type <= 4; type++)
        {
            long score = 0;
            for (var i = 0; i < row.Length; i++)
            {
                var left = i >= 3 ? row[i - 3] : (byte)0;
                var up = previous[i];
                var upLeft = i >= 3 ? previous[i - 3] : (byte)0;
                var predictor = type switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    _ => Paeth(left, up, upLeft),
                };
                var value = (byte)(row[i] - predictor);
                scratch[i] = value;
                score += value < 128 ? value : 256 - value;
            }
            if (score < bestScore)
            {
                bestScore = score;
                bestType = type;
                scratch.CopyTo(best, 0);
            }
        }
        return bestType;
    }

    internal static byte Paeth(byte a, byte b, byte c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Compute(typeBytes, data));
        output.Write(crc);
    }
}
