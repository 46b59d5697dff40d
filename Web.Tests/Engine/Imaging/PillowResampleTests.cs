using Clap2Diffusion.Engine.Imaging;

namespace Clap2Diffusion.Tests.Engine.Imaging;

/// <summary>
/// Expected values are derived by hand from PIL's Resample.c. With a = -0.5 the kernel at distances 1/4,
/// 3/4 and 5/4 is 111/128, 29/128 and -9/128, so each output sample is a small rational combination of
/// its inputs, rounded (8-bit) or stored as float ("F" mode).
/// </summary>
public sealed class PillowResampleTests
{
    private static RgbImage Gray(int width, int height, params byte[] values) =>
        new(width, height, values.SelectMany(v => new[] { v, v, v }).ToArray());

    private static byte[] Red(RgbImage image) => image.Pixels.Where((_, i) => i % 3 == 0).ToArray();

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.25, 111.0 / 128)]
    [InlineData(0.5, 0.5625)]
    [InlineData(0.75, 29.0 / 128)]
    [InlineData(1.0, 0.0)]
    [InlineData(-1.25, -9.0 / 128)]
    [InlineData(1.5, -0.0625)]
    [InlineData(2.0, 0.0)]
    public void Cubic_kernel_has_a_minus_one_half(double x, double expected) => Assert.Equal(expected, PillowResample.Cubic(x), 12);

    [Fact]
    public void Doubling_interpolates_with_the_cubic_weights_and_rounds()
    {
        // Weights per output: (37, -3)/34, (111, 29)/140, (29, 111)/140, (-3, 37)/34.
        Assert.Equal([91, 121, 179, 209], Red(PillowResample.ResizeBicubic(Gray(2, 1, 100, 200), 4, 1)));
    }

    [Fact]
    public void Overshoot_is_clipped_to_the_byte_range()
    {
        Assert.Equal([0, 53, 202, 255], Red(PillowResample.ResizeBicubic(Gray(2, 1, 0, 255), 4, 1)));
    }

    [Fact]
    public void Shrinking_widens_the_kernel_by_the_scale_factor()
    {
        // Support 4 at scale 2: weights (111, 111, 29, -9)/242 and (-9, 29, 111, 111)/242.
        Assert.Equal([16, 34], Red(PillowResample.ResizeBicubic(Gray(4, 1, 10, 20, 30, 40), 2, 1)));
    }

    [Fact]
    public void Eight_bit_mode_rounds_between_the_horizontal_and_vertical_pass()
    {
        // Rows average to 0.5 -> 1 and 0, then columns to 0.5 -> 1; the exact mean is 0.25.
        Assert.Equal([1], Red(PillowResample.ResizeBicubic(Gray(2, 2, 0, 1, 0, 0), 1, 1)));
        Assert.Equal([0.25f], PillowResample.ResizeBicubic([0f, 1, 0, 0], 2, 2, 1, 1));
    }

    [Fact]
    public void Float_mode_keeps_fractions_and_overshoot()
    {
        var doubled = PillowResample.ResizeBicubic([100f, 200f], 2, 1, 4, 1);
        var expected = new[] { 3100.0 / 34, 16900.0 / 140, 25100.0 / 140, 7100.0 / 34 };
        for (var i = 0; i < 4; i++)
            Assert.Equal(expected[i], doubled[i], 4);

        var overshoot = PillowResample.ResizeBicubic([0f, 255f], 2, 1, 4, 1);
        Assert.Equal([-22.5f, 277.5f], new[] { overshoot[0], overshoot[3] });
        var shrunk = PillowResample.ResizeBicubic([10f, 20, 30, 40], 4, 1, 2, 1);
        Assert.Equal(3840.0 / 242, shrunk[0], 4);
        Assert.Equal(8260.0 / 242, shrunk[1], 4);
    }

    [Fact]
    public void Channels_are_resampled_independently_and_columns_like_rows()
    {
        var image = new RgbImage(1, 2, [100, 200, 0, 200, 100, 255]);
        var tall = PillowResample.ResizeBicubic(image, 1, 4);

        Assert.Equal([91, 209, 0, 121, 179, 53, 179, 121, 202, 209, 91, 255], tall.Pixels);
    }

    [Fact]
    public void Same_size_is_an_identical_copy()
    {
        var image = Gray(3, 2, 1, 2, 3, 4, 5, 6);
        var copy = PillowResample.ResizeBicubic(image, 3, 2);

        Assert.Equal(image.Pixels, copy.Pixels);
        Assert.NotSame(image.Pixels, copy.Pixels);
    }

    [Fact]
    public void Impossible_sizes_are_refused()
    {
        Assert.Throws<Clap2Diffusion.Engine.InputException>(() => PillowResample.ResizeBicubic(Gray(1, 1, 0), 0, 5));
        Assert.Throws<Clap2Diffusion.Engine.InputException>(() => PillowResample.ResizeBicubic([1f, 2f], 3, 1, 2, 2));
    }
}
