using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Clap2Diffusion.Engine.Imaging.Png;

/// <summary>
/// Reads a PNG's chunk structure: its size, its text chunks (tEXt, zTXt, iTXt) and, for the 8-bit RGB
/// non-interlaced images this product writes, its pixels. General image decoding is the image library's job;
/// this exists so parameters can be read back from any PNG and our own output can be checked byte for byte.
/// </summary>
public sealed class PngReader
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly List<(string Type, byte[] Data)> chunks;

    private PngReader(List<(string Type, byte[] Data)> chunks, int width, int height, byte bitDepth, byte colourType, byte interlace)
    {
        this.chunks = chunks;
        Width = width;
        Height = height;
        BitDepth = bitDepth;
        ColourType = colourType;
        Interlace = interlace;
    }

    public int Width { get; }

    public int Height { get; }

    public byte BitDepth { get; }

    public byte ColourType { get; }

    public byte Interlace { get; }

    public IEnumerable<string> ChunkTypes => chunks.Select(c => c.Type);

    public static PngReader Read(string path) => Parse(File.ReadAllBytes(path), path);

    public static PngReader Parse(byte[] bytes, string source = "PNG data")
    {
        if (bytes.Length < 8 || !bytes.AsSpan(0, 8).SequenceEqual(Signature))
            throw new InputException($"{source}: not a PNG file");
        var chunks = new List<(string, byte[])>();
        var position = 8;
        while (true)
        {
            if (position + 12 > bytes.Length)
                throw new InputException($"{source}: truncated PNG (no IEND chunk)");
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(position));
            if (length < 0 || position + 12L + length > bytes.Length)
                throw new InputException($"{source}: chunk length {length} runs past the end of the file");
            var type = Encoding.ASCII.GetString(bytes, position + 4, 4);
            var data = bytes.AsSpan(position + 8, length);
            var stored = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(position + 8 + length));
            if (stored != Crc32.Compute(bytes.AsSpan(position + 4, 4), data))
                throw new InputException($"{source}: CRC mismatch in chunk {type}");
            chunks.Add((type, data.ToArray()));
            position += 12 + length;
            if (type == "IEND")
                break;
        }
        if (chunks.Count == 0 || chunks[0].Item1 != "IHDR" || chunks[0].Item2.Length != 13)
            throw new InputException($"{source}: the first chunk is not a valid IHDR");
        var header = chunks[0].Item2;
        return new PngReader(chunks,
            BinaryPrimitives.ReadInt32BigEndian(header), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)),
            header[8], header[9], header[12]);
    }

    /// <summary>Every text chunk in file order, with the chunk type it was stored in.</summary>
    public IReadOnlyList<(string ChunkType, PngText Text)> Texts()
    {
        var texts = new List<(string, PngText)>();
        foreach (var (type, data) in chunks)
        {
            switch (type)
            {
                case "tEXt":
                {
                    var split = NulIndex(data, 0, type);
                    texts.Add((type, new PngText(Encoding.Latin1.GetString(data, 0, split), Encoding.Latin1.GetString(data, split + 1, data.Length - split - 1))));
                    break;
                }
                case "zTXt":
                {
                    var split = NulIndex(data, 0, type);
                    var text = Inflate(data.AsSpan(Math.Min(split + 2, data.Length)), MaxTextBytes);
                    texts.Add((type, new PngText(Encoding.Latin1.GetString(data, 0, split), Encoding.Latin1.GetString(text))));
                    break;
                }
                case "iTXt":
                    texts.Add((type, ParseInternationalText(data)));
                    break;
            }
        }
        return texts;
    }

    public string? Text(string keyword) => Texts().Select(t => t.Text).FirstOrDefault(t => t.Keyword == keyword)?.Text;

    /// <summary>Pixels as RGB bytes (HWC) for 8-bit truecolour, non-interlaced images.</summary>
    public byte[] DecodeRgb8()
    {
        if (BitDepth != 8 || ColourType != 2 || Interlace != 0)
            throw new InputException($"only 8-bit RGB non-interlaced PNGs are decoded here (this one: depth {BitDepth}, colour type {ColourType}, interlace {Interlace})");
        var stride = checked(Width * 3);
        var raw = Inflate(chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray(), (stride + 1L) * Height);
        if (raw.Length != checked((stride + 1) * Height))
            throw new InputException($"PNG image data holds {raw.Length} bytes, expected {(stride + 1) * Height}");
        var pixels = new byte[stride * Height];
        var previous = new byte[stride];
        for (var y = 0; y < Height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var row = pixels.AsSpan(y * stride, stride);
            raw.AsSpan(y * (stride + 1) + 1, stride).CopyTo(row);
            for (var i = 0; i < stride; i++)
            {
                var left = i >= 3 ? row[i - 3] : (byte)0;
                var up = previous[i];
                var upLeft = i >= 3 ? previous[i - 3] : (byte)0;
                row[i] += filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (byte)((left + up) / 2),
                    4 => PngWriter.Paeth(left, up, upLeft),
                    _ => throw new InputException($"PNG row {y} uses unknown filter type {filter}"),
                };
            }
            row.CopyTo(previous);
        }
        return pixels;
    }

    private static PngText ParseInternationalText(byte[] data)
    {
        var keywordEnd = NulIndex(data, 0, "iTXt");
        var keyword = Encoding.Latin1.GetString(data, 0, keywordEnd);
        if (keywordEnd + 3 > data.Length)
            throw new InputException("PNG iTXt chunk is truncated");
        var compressed = data[keywordEnd + 1] != 0;
        var languageEnd = NulIndex(data, keywordEnd + 3, "iTXt");
        var translatedEnd = NulIndex(data, languageEnd + 1, "iTXt");
        var body = data.AsSpan(translatedEnd + 1);
        var text = compressed ? Inflate(body, MaxTextBytes) : body.ToArray();
        return new PngText(keyword, Encoding.UTF8.GetString(text));
    }

    // A text chunk never needs more; the limit stops a compression bomb from exhausting memory.
    private const long MaxTextBytes = 16L * 1024 * 1024;

    private static int NulIndex(byte[] data, int start, string chunk)
    {
        var index = start < data.Length ? Array.IndexOf(data, (byte)0, start) : -1;
        return index >= 0 ? index : throw new InputException($"PNG {chunk} chunk is missing a separator");
    }

    private static byte[] Inflate(ReadOnlySpan<byte> compressed, long maxBytes)
    {
        try
        {
            using var input = new MemoryStream(compressed.ToArray());
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                if (output.Length + read > maxBytes)
                    throw new InputException($"PNG data inflates past the expected {maxBytes} bytes");
                output.Write(buffer, 0, read);
            }
            return output.ToArray();
        }
        catch (InvalidDataException error)
        {
            throw new InputException($"PNG data is not a valid zlib stream ({error.Message})", error);
        }
    }
}
