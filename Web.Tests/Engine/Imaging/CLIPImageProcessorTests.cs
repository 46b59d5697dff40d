using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Imaging;

public sealed class CLIPImageProcessorTests
{
    [Theory]
    [InlineData(200, 300, 224, 336)]
    [InlineData(400, 150, 597, 224)]
    [InlineData(224, 224, 224, 224)]
    [InlineData(1000, 17, 13176, 224)]
    public void Shortest_side_becomes_224_and_the_long_side_is_truncated(int height, int width, int newHeight, int newWidth) =>
        Assert.Equal((newHeight, newWidth), CLIPImageProcessor.ShortestEdgeSize(height, width, 224));

    [Fact]
    public void Center_crop_floors_the_offset()
    {
        var image = new RgbImage(5, 4, Enumerable.Range(0, 60).Select(i => (byte)i).ToArray());
        var crop = CLIPImageProcessor.CenterCrop(image, 3, 2);

        // top = (4 - 3) // 2 = 0, left = (5 - 2) // 2 = 1
        Assert.Equal(image[1, 0, 0], crop[0, 0, 0]);
        Assert.Equal(image[2, 2, 2], crop[1, 2, 2]);
    }

    [Fact]
    public void Center_crop_centres_a_small_image_on_zeros()
    {
        var image = new RgbImage(1, 1, [7, 8, 9]);
        var crop = CLIPImageProcessor.CenterCrop(image, 4, 4);

        // Offset ceil((4 - 1) / 2) = 2 on both axes.
        Assert.Equal([7, 8, 9], new[] { crop[2, 2, 0], crop[2, 2, 1], crop[2, 2, 2] });
        Assert.Equal(3, crop.Pixels.Count(p => p != 0));
    }

    [Fact]
    public void Pixel_values_are_rescaled_then_normalised_per_channel_in_float32()
    {
        var white = new RgbImage(300, 200, Enumerable.Repeat((byte)255, 300 * 200 * 3).ToArray());
        var black = new RgbImage(200, 300, new byte[200 * 300 * 3]);
        using var pixels = new CLIPImageProcessor().Preprocess([white, black]);

        Assert.Equal([2L, 3, 224, 224], pixels.shape);
        float[] mean = [0.48145466f, 0.4578275f, 0.40821073f], std = [0.26862954f, 0.26130258f, 0.27577711f];
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal((1f - mean[c]) / std[c], pixels[0, c, 100, 17].item<float>());
            Assert.Equal(-mean[c] / std[c], pixels[1, c, 5, 200].item<float>());
        }
    }

    [Fact]
    public void Preprocessor_config_in_both_of_its_spellings_is_read()
    {
        using var folder = new TempFolder("clip-processor");
        File.WriteAllText(folder.File("preprocessor_config.json"), """
            {"crop_size": {"height": 32, "width": 32}, "do_center_crop": true, "do_convert_rgb": true, "do_normalize": true,
             "do_rescale": true, "do_resize": true, "image_mean": [0.5, 0.5, 0.5], "image_processor_type": "CLIPImageProcessor",
             "image_std": [0.25, 0.25, 0.25], "resample": 3, "rescale_factor": 0.00392156862745098, "size": {"shortest_edge": 40}}
            """);
        var modern = CLIPImageProcessor.FromPretrained(folder.Path).Config;
        File.WriteAllText(folder.File("preprocessor_config.json"), """{"crop_size": 224, "size": 224, "resample": 3}""");
        var legacy = CLIPImageProcessor.FromPretrained(folder.Path).Config;

        Assert.Equal((40, 32, 32), (modern.ShortestEdge, modern.CropHeight, modern.CropWidth));
        Assert.Equal([0.5, 0.5, 0.5], modern.ImageMean);
        Assert.Equal((224, 224, 224), (legacy.ShortestEdge, legacy.CropHeight, legacy.CropWidth));
        Assert.Equal(new CLIPImageProcessorConfig().ImageStd, legacy.ImageStd);
    }

    [Fact]
    public void Other_resampling_filters_are_refused()
    {
        using var folder = new TempFolder("clip-processor-bilinear");
        File.WriteAllText(folder.File("preprocessor_config.json"), """{"resample": 2}""");

        var error = Assert.Throws<InputException>(() => CLIPImageProcessor.FromPretrained(folder.Path));
        Assert.Contains("BICUBIC", error.Message);
    }
}
