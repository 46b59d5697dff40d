namespace Clap2Diffusion.Engine.Imaging;

/// <summary>
/// An image given to be edited (img2img): checked from its header, decoded only when within the limits, and
/// fitted to the model's resolution by scaling it to cover the frame and cropping the centre, so nothing is
/// stretched.
/// </summary>
public static class EditImage
{
    /// <summary>16 megapixels (4096x4096): a phone photo passes, a decompression bomb does not.</summary>
    public const long DefaultMaxPixels = 4096L * 4096L;

    /// <summary>Reads the size from the header, refuses what is over <paramref name="maxPixels"/>, then decodes.</summary>
    public static RgbImage Decode(byte[] bytes, long maxPixels = DefaultMaxPixels)
    {
        var header = ImageHeader.Read(bytes);
        if (header.Pixels > maxPixels)
            throw new InputException($"the image is {header.Width}x{header.Height} ({header.Pixels / 1e6:0.#} megapixels); " +
                $"at most {maxPixels / 1e6:0.#} megapixels are accepted");
        var image = RgbImage.Decode(bytes);
        // The decoder sizes itself from the file too; a file whose parts disagree is refused rather than trusted.
        if ((image.Width, image.Height) != (header.Width, header.Height))
            throw new InputException($"the image header says {header.Width}x{header.Height} but it decodes to {image.Width}x{image.Height}");
        return image;
    }

    public static RgbImage Load(string path, long maxPixels = DefaultMaxPixels)
    {
        if (!File.Exists(path))
            throw new InputException($"image file not found: {path}");
        try
        {
            return Decode(File.ReadAllBytes(path), maxPixels);
        }
        catch (InputException error)
        {
            throw new InputException($"{path}: {error.Message}", error);
        }
    }

    /// <summary>Scales (bicubic, antialiased) so the image covers <paramref name="width"/> x <paramref name="height"/>, then keeps the centre.</summary>
    public static RgbImage CoverCrop(RgbImage image, int width, int height)
    {
        if (image.Width == width && image.Height == height)
            return image;
        var scale = Math.Max((double)width / image.Width, (double)height / image.Height);
        var scaledWidth = Math.Max(width, (int)Math.Round(image.Width * scale));
        var scaledHeight = Math.Max(height, (int)Math.Round(image.Height * scale));
        var scaled = scaledWidth == image.Width && scaledHeight == image.Height ? image : PillowResample.ResizeBicubic(image, scaledWidth, scaledHeight);
        var (left, top) = ((scaledWidth - width) / 2, (scaledHeight - height) / 2);
        var pixels = new byte[(long)width * height * 3];
        for (var y = 0; y < height; y++)
            Array.Copy(scaled.Pixels, ((long)(top + y) * scaledWidth + left) * 3, pixels, (long)y * width * 3, (long)width * 3);
        return new RgbImage(width, height, pixels);
    }
}
