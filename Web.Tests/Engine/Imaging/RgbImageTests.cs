using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Tests.Infrastructure;
using SkiaSharp;

namespace Clap2Diffusion.Tests.Engine.Imaging;

public sealed class RgbImageTests
{
    private static byte[] EncodePng(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [Fact]
    public void Png_decodes_to_the_stored_rgb_with_alpha_dropped_not_composited()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(2, 1, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.SetPixel(0, 0, new SKColor(10, 20, 30, 255));
        bitmap.SetPixel(1, 0, new SKColor(200, 100, 50, 128));

        var image = RgbImage.Decode(EncodePng(bitmap));

        Assert.Equal((2, 1), (image.Width, image.Height));
        Assert.Equal([10, 20, 30, 200, 100, 50], image.Pixels);
    }

    [Fact]
    public void Grayscale_png_becomes_three_equal_channels()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(1, 2, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.SetPixel(0, 0, new SKColor(7, 7, 7));
        bitmap.SetPixel(0, 1, new SKColor(250, 250, 250));

        using var folder = new TempFolder("rgb-image");
        File.WriteAllBytes(folder.File("gray.png"), EncodePng(bitmap));
        var image = RgbImage.Load(folder.File("gray.png"));

        Assert.Equal([7, 7, 7, 250, 250, 250], image.Pixels);
        Assert.Equal([7f, 250f], image.Channel(1));
    }

    [Fact]
    public void Bytes_that_are_no_image_are_refused_with_a_message()
    {
        var error = Assert.Throws<InputException>(() => RgbImage.Decode("not an image"u8.ToArray()));
        Assert.Contains("PNG", error.Message);
        Assert.Throws<InputException>(() => RgbImage.Load("/no/such/file.png"));
        Assert.Throws<InputException>(() => new RgbImage(2, 2, new byte[11]));
        Assert.Throws<InputException>(() => new RgbImage(100_000, 100_000, []));
    }
}
