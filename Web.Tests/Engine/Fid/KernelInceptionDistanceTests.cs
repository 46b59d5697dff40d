using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Evaluation.Fid;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Fid;

public sealed class KernelInceptionDistanceTests
{
    private static FidActivations Gaussian(int count, double shift, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var features = randn([count, 32], dtype: ScalarType.Float64, generator: generator) + shift;
        return FidActivations.FromTensor(features, "test");
    }

    [Fact]
    public void Kid_of_a_set_with_itself_is_about_zero_and_far_below_a_shifted_set()
    {
        var set = Gaussian(300, 0, 1);
        var shifted = Gaussian(300, 0.5, 2);

        var self = KernelInceptionDistance.Compute(set, set, subsets: 20, maxSubsetSize: 100, seed: 9);
        var apart = KernelInceptionDistance.Compute(set, shifted, subsets: 20, maxSubsetSize: 100, seed: 9);

        // Independent subsets of one finite set share images, so the estimate sits slightly below zero.
        Assert.True(Math.Abs(self.Value) < 0.05 * apart.Value, $"self {self.Value:G3}, shifted {apart.Value:G3}");
        Assert.Equal(100, self.SubsetSize);
    }

    [Fact]
    public void Whole_set_subsets_give_the_unbiased_mmd_of_the_polynomial_kernel()
    {
        // With m = N every subset is the whole set, so the estimate is deterministic and can be computed directly.
        var x = Gaussian(6, 0, 3);
        var y = Gaussian(6, 1, 4);

        var kid = KernelInceptionDistance.Compute(x, y, subsets: 3, seed: 1);

        double K(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            var dot = 0.0;
            for (var i = 0; i < a.Length; i++)
                dot += a[i] * b[i];
            return Math.Pow(dot / 32 + 1, 3);
        }
        double xx = 0, yy = 0, xy = 0;
        for (var i = 0; i < 6; i++)
            for (var j = 0; j < 6; j++)
            {
                xy += K(x.Row(i), y.Row(j));
                if (i == j)
                    continue;
                xx += K(x.Row(i), x.Row(j));
                yy += K(y.Row(i), y.Row(j));
            }
        var expected = (xx + yy) / (6 * 5) - 2 * xy / (6 * 6);
        Assert.Equal(expected, kid.Value, 1e-9);
        Assert.Equal(0, kid.SubsetStandardDeviation, 1e-9);
    }

    [Fact]
    public void The_same_seed_gives_the_same_value_and_another_seed_another()
    {
        var x = Gaussian(200, 0, 5);
        var y = Gaussian(150, 0.2, 6);

        var first = KernelInceptionDistance.Compute(x, y, subsets: 5, maxSubsetSize: 50, seed: 42);
        var again = KernelInceptionDistance.Compute(x, y, subsets: 5, maxSubsetSize: 50, seed: 42);
        var other = KernelInceptionDistance.Compute(x, y, subsets: 5, maxSubsetSize: 50, seed: 43);

        Assert.Equal(first, again);
        Assert.NotEqual(first.Value, other.Value);
    }

    [Fact]
    public void Mismatched_or_tiny_sets_are_refused()
    {
        var one = new FidActivations([1.0, 2.0], 1, 2, "test");
        var two = new FidActivations([1.0, 2.0, 3.0, 4.0], 2, 2, "test");
        var wide = new FidActivations([1.0, 2.0, 3.0], 1, 3, "test");

        Assert.Contains("at least 2", Assert.Throws<InputException>(() => KernelInceptionDistance.Compute(one, two)).Message);
        Assert.Contains("one size", Assert.Throws<InputException>(() => KernelInceptionDistance.Compute(two, wide)).Message);
    }
}
