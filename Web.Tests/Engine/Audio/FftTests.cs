using System.Numerics;
using Clap2Diffusion.Engine.Audio;

namespace Clap2Diffusion.Tests.Engine.Audio;

public sealed class FftTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(400)]
    [InlineData(1000)]
    [InlineData(1024)]
    [InlineData(1023)]
    public void Complex_transform_matches_the_definition(int n)
    {
        var random = new Random(n);
        var input = Enumerable.Range(0, n).Select(_ => new Complex(random.NextDouble() - 0.5, random.NextDouble() - 0.5)).ToArray();
        var transformed = input.ToArray();

        new Fft(n).Forward(transformed);

        var expected = NaiveDft(input);
        var scale = expected.Max(c => c.Magnitude);
        var maxError = expected.Select((e, k) => (e - transformed[k]).Magnitude).Max();
        Assert.True(maxError <= 1e-13 * Math.Max(1, scale) * Math.Log2(n + 1), $"n={n}: max error {maxError:G3}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(9)]
    [InlineData(400)]
    [InlineData(512)]
    [InlineData(1024)]
    [InlineData(1025)]
    public void Real_transform_matches_the_definition(int n)
    {
        var random = new Random(100 + n);
        var input = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        var fft = new RealFft(n);
        var bins = new Complex[fft.Bins];

        fft.Forward(input, bins);

        Assert.Equal(n / 2 + 1, bins.Length);
        var expected = NaiveDft(input.Select(x => new Complex(x, 0)).ToArray());
        for (var k = 0; k < bins.Length; k++)
            Assert.True((expected[k] - bins[k]).Magnitude <= 1e-12, $"n={n} bin {k}: {bins[k]} vs {expected[k]}");
    }

    [Fact]
    public void A_cosine_on_a_bin_lands_in_that_bin_only()
    {
        const int n = 1024;
        var input = Enumerable.Range(0, n).Select(i => Math.Cos(2 * Math.PI * 37 * i / n)).ToArray();
        var bins = new Complex[n / 2 + 1];

        new RealFft(n).Forward(input, bins);

        Assert.Equal(n / 2.0, bins[37].Real, 9);
        Assert.All(bins.Where((_, k) => k != 37), b => Assert.True(b.Magnitude < 1e-10));
    }

    private static Complex[] NaiveDft(Complex[] x)
    {
        var n = x.Length;
        var result = new Complex[n];
        for (var k = 0; k < n; k++)
        {
            Complex sum = 0;
            for (var j = 0; j < n; j++)
                sum += x[j] * Complex.FromPolarCoordinates(1, -2 * Math.PI * ((long)k * j % n) / n);
            result[k] = sum;
        }
        return result;
    }
}
