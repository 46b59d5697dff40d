using SkiaSharp;

namespace Clap2Diffusion.Engine.Imaging;

/// <summary>
/// An 8-bit RGB image held as row-major HWC bytes, PIL's <c>"RGB"</c> mode. Decoding keeps the stored colour
/// values: alpha is dropped (not composited), no colour profile or EXIF orientation is applied, as PIL's
/// <c>Image.open(...).convert("RGB")</c> does.
/// </summary>
public sealed class RgbImage
{
    // 8k x 8k (a quarter of a gigabyte as RGBA); larger inputs are refused before pixel memory is allocated.
    public const long MaxPixels = 8192L * 8192L;

    public RgbImage(int width, int height, byte[] pixels)
    {
        if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
            throw new InputException($"an image must be between 1x1 and {MaxPixels} pixels, not {width}x{height}");
        if (pixels.Length != (long)width * height * 3)
            throw new InputException($"a {width}x{height} RGB image holds {(long)width * height * 3} bytes, not {pixels.Length}");
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>R, G, B bytes of each pixel, row after row.</summary>
    public byte[] Pixels { get; }

    public byte this[int x, int y, int channel] => Pixels[((long)y * Width + x) * 3 + channel];

    public static RgbImage Load(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"image file not found: {path}");
        try
        {
            return Decode(File.ReadAllBytes(path));
        }
        catch (InputException error)
        {
            throw new InputException($"{path}: {error.Message}", error);
        }
    }

    /// <summary>Decodes PNG, JPEG, WebP, GIF (first frame) or BMP bytes.</summary>
    public static RgbImage Decode(byte[] encoded)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data) ?? throw new InputException("not an image in a format the engine can decode (PNG, JPEG, WebP, GIF, BMP)");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
            throw new InputException($"the image is {width}x{height}; at most {MaxPixels} pixels are accepted");

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new InputException($"the image could not be decoded ({result})");
        var rgba = bitmap.GetPixelSpan();

        var rgb = new byte[(long)width * height * 3];
        for (int pixel = 0, n = width * height; pixel < n; pixel++)
        {
            rgb[pixel * 3] = rgba[pixel * 4];
            rgb[pixel * 3 + 1] = rgba[pixel * 4 + 1];
            rgb[pixel * 3 + 2] = rgba[pixel * 4 + 2];
        }
        return new RgbImage(width, height, rgb);
    }

    /// <summary>One channel as floats (clean-fid resizes each channel in PIL's <c>"F"</c> mode).</summary>
    public float[] Channel(int channel)
    {
        var plane = new float[(long)Width * Height];
        for (long i = 0; i < plane.Length; i++)
            plane[i] = Pixels[i * 3 + channel];
        return plane;
    }
}
