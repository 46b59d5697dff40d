using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Tests.Web.Infrastructure;
using SkiaSharp;

namespace Clap2Diffusion.Tests.Engine.Imaging;

public sealed class EditImageTests
{
    private static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        // Left half red, right half blue: a centre crop keeps as much of each.
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, x < width / 2 ? new SKColor(255, 0, 0) : new SKColor(0, 0, 255));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 95);
        return data.ToArray();
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, "PNG")]
    [InlineData(SKEncodedImageFormat.Jpeg, "JPEG")]
    public void The_header_gives_format_and_size_without_decoding(SKEncodedImageFormat format, string expected)
    {
        var header = ImageHeader.Read(Encode(40, 24, format));

        Assert.Equal((expected, 40, 24), (header.Format, header.Width, header.Height));
    }

    [Fact]
    public void A_jpeg_that_claims_a_huge_frame_is_refused_from_its_header()
    {
        // SOI, then a baseline frame header (SOF0) of 60000 x 60000 and nothing else.
        byte[] bomb = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xEA, 0x60, 0xEA, 0x60, 0x03, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0];

        var error = Assert.Throws<InputException>(() => EditImage.Decode(bomb));

        Assert.Contains("60000x60000", error.Message);
        Assert.Contains("megapixels are accepted", error.Message);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("wav")]
    [InlineData("empty")]
    public void Anything_but_png_or_jpeg_is_refused_by_content(string kind)
    {
        var bytes = kind switch
        {
            "text" => "a picture of a dog, honestly"u8.ToArray(),
            "wav" => Wav.Tone(0.1),
            _ => [],
        };

        var error = Assert.Throws<InputException>(() => EditImage.Decode(bytes));

        Assert.Contains("not a PNG or JPEG image", error.Message);
    }

    [Fact]
    public void A_png_over_the_limit_is_refused_before_decoding()
    {
        var error = Assert.Throws<InputException>(() => EditImage.Decode(TinyPng.Claiming(5000, 4000), maxPixels: 1_000_000));

        Assert.Contains("5000x4000 (20 megapixels); at most 1 megapixels are accepted", error.Message);
    }

    [Fact]
    public void A_wide_image_is_scaled_to_cover_and_cropped_at_the_centre()
    {
        var wide = EditImage.Decode(Encode(80, 40, SKEncodedImageFormat.Png));

        var square = EditImage.CoverCrop(wide, 16, 16);

        Assert.Equal((16, 16), (square.Width, square.Height));
        // The crop keeps the middle 40 of the 80 columns: red on the left, blue on the right, the seam in the middle.
        Assert.True(square[1, 8, 0] > 200 && square[1, 8, 2] < 50, "left is red");
        Assert.True(square[14, 8, 2] > 200 && square[14, 8, 0] < 50, "right is blue");
    }
}
