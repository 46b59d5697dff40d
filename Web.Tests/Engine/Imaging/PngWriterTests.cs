using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Imaging;

public sealed class PngWriterTests : IDisposable
{
    private readonly TempFolder folder = new("png");

    public void Dispose() => folder.Dispose();

    private static byte[] Gradient(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        var random = new Random(7);
        for (var i = 0; i < rgb.Length; i++)
            rgb[i] = (byte)((i / 3 % width) * 4 + random.Next(3));
        return rgb;
    }

    [Fact]
    public void Pixels_round_trip_through_every_filter_choice()
    {
        var rgb = Gradient(37, 23);
        var path = folder.File("image.png");

        PngWriter.Save(path, 37, 23, rgb);
        var png = PngReader.Read(path);

        Assert.Equal((37, 23), (png.Width, png.Height));
        Assert.Equal(rgb, png.DecodeRgb8());
        Assert.Equal(["IHDR", "IDAT", "IEND"], png.ChunkTypes);
    }

    [Fact]
    public void Latin1_text_goes_to_tEXt_and_other_text_to_iTXt()
    {
        var path = folder.File("texts.png");
        PngWriter.Save(path, 2, 2, new byte[12],
        [
            new PngText("parameters", "a café at night\nSteps: 25"),
            new PngText("prompt", "夜のカフェ, rain ☔"),
        ]);

        var texts = PngReader.Read(path).Texts();

        Assert.Equal(("tEXt", new PngText("parameters", "a café at night\nSteps: 25")), texts[0]);
        Assert.Equal(("iTXt", new PngText("prompt", "夜のカフェ, rain ☔")), texts[1]);
    }

    [Fact]
    public void Writing_leaves_no_temporary_file_behind()
    {
        PngWriter.Save(folder.File("a.png"), 1, 1, new byte[3]);

        Assert.Equal(["a.png"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Bad_keywords_and_sizes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PngWriter.Encode(1, 1, new byte[3], [new PngText(" lead", "x")]));
        Assert.Throws<ArgumentException>(() => PngWriter.Encode(2, 2, new byte[3]));
    }

    [Fact]
    public void Corrupt_files_give_input_errors()
    {
        var good = PngWriter.Encode(4, 4, Gradient(4, 4), [new PngText("k", "v")]);
        var flipped = (byte[])good.Clone();
        flipped[40] ^= 0xFF;

        Assert.Throws<InputException>(() => PngReader.Parse(flipped));
        Assert.Throws<InputException>(() => PngReader.Parse(good[..30]));
        Assert.Throws<InputException>(() => PngReader.Parse("not a png"u8.ToArray()));
    }
}
