using System.Buffers.Binary;

namespace Clap2Diffusion.Engine.Imaging;

/// <summary>
/// What a PNG or JPEG file says about itself before a single pixel is decoded: its format and size. Inputs from
/// outside (an image to edit) are sized from here first, so a file that claims a huge size is refused before any
/// pixel memory is allocated, and a file of another type (text, a sound) never reaches a decoder.
/// </summary>
public sealed record ImageHeader(string Format, int Width, int Height)
{
    public long Pixels => (long)Width * Height;

    /// <summary>Reads the header; throws <see cref="InputException"/> for anything that is not a well-formed PNG or JPEG header.</summary>
    public static ImageHeader Read(ReadOnlySpan<byte> bytes)
    {
        if (IsPng(bytes))
            return ReadPng(bytes);
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
            return ReadJpeg(bytes);
        throw new InputException("the file is not a PNG or JPEG image");
    }

    private static bool IsPng(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 8 && bytes[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });

    // The first chunk of every PNG is IHDR: length 13, then width and height as big-endian 32-bit numbers.
    private static ImageHeader ReadPng(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 24 || !bytes[12..16].SequenceEqual("IHDR"u8))
            throw new InputException("the PNG image has no header chunk (IHDR)");
        var width = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..20]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(bytes[20..24]);
        return Checked("PNG", width, height);
    }

    // Walks the marker segments up to the first start-of-frame (SOF0..SOF15 but DHT, JPG and DAC), which holds the size.
    private static ImageHeader ReadJpeg(ReadOnlySpan<byte> bytes)
    {
        var at = 2;
        while (at + 4 <= bytes.Length)
        {
            if (bytes[at] != 0xFF)
                throw new InputException("the JPEG image is malformed (a marker was expected)");
            var marker = bytes[at + 1];
            if (marker == 0xFF)
            {
                at++;
                continue;
            }
            if (marker is 0x01 or (>= 0xD0 and <= 0xD8))
            {
                at += 2;
                continue;
            }
            if (marker == 0xDA)
                break;
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[(at + 2)..(at + 4)]);
            if (length < 2)
                throw new InputException("the JPEG image is malformed (a segment is too short)");
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                if (at + 9 > bytes.Length)
                    break;
                var height = BinaryPrimitives.ReadUInt16BigEndian(bytes[(at + 5)..(at + 7)]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(bytes[(at + 7)..(at + 9)]);
                return Checked("JPEG", width, height);
            }
            at += 2 + length;
        }
        throw new InputException("the JPEG image has no frame header, so its size is unknown");
    }

    private static ImageHeader Checked(string format, uint width, uint height)
    {
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            throw new InputException($"the {format} image claims an impossible size, {width}x{height}");
        return new ImageHeader(format, (int)width, (int)height);
    }
}
