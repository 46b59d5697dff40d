using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation.Fid;

/// <summary>A KID estimate: the mean over subsets, and how much the subsets disagreed.</summary>
public sealed record KidResult(double Value, double SubsetStandardDeviation, int Subsets, int SubsetSize, ulong Seed);

/// <summary>
/// Kernel Inception Distance as clean-fid computes it: the unbiased squared MMD with the cubic polynomial kernel
/// k(x, y) = (x·y/d + 1)³, averaged over random subsets of equal size m = min(N1, N2, max subset size), drawn
/// without replacement. clean-fid draws with NumPy's global generator; this draws from a seeded SplitMix64, so a
/// value repeats exactly for a seed, and matches clean-fid's in expectation rather than digit for digit.
/// </summary>
public static class KernelInceptionDistance
{
    public static KidResult Compute(FidActivations features1, FidActivations features2, int subsets = 100,
        int maxSubsetSize = 1000, ulong seed = 0)
    {
        if (features1.Dimensions != features2.Dimensions)
            throw new InputException($"KID needs features of one size, not {features1.Dimensions} and {features2.Dimensions}");
        if (features1.FeatureSpace != features2.FeatureSpace)
            throw new InputException("KID needs features from one feature extractor " +
                $"('{features1.FeatureSpace}' vs '{features2.FeatureSpace}')");
        if (subsets < 1)
            throw new InputException($"KID needs at least one subset, not {subsets}");
        var m = Math.Min(Math.Min(features1.Count, features2.Count), maxSubsetSize);
        if (m < 2)
            throw new InputException($"KID needs subsets of at least 2 images; the sets hold {features1.Count} and {features2.Count}");

        var random = new SplitMix64(seed);
        var n = (double)features1.Dimensions;
        var estimates = new double[subsets];
        using var noGrad = no_grad();
        using var all1 = features1.ToTensor();
        using var all2 = features2.ToTensor();
        for (var s = 0; s < subsets; s++)
        {
            using var scope = NewDisposeScope();
            var x = all2.index_select(0, tensor(random.Sample(features2.Count, m)));
            var y = all1.index_select(0, tensor(random.Sample(features1.Count, m)));
            var a = Kernel(x, x, n).add(Kernel(y, y, n), Scalars.One);
            var b = Kernel(x, y, n);
            var t = (a.sum().item<double>() - a.diagonal().sum().item<double>()) / (m - 1) - b.sum().item<double>() * 2 / m;
            estimates[s] = t / m;
        }
        var mean = estimates.Average();
        var spread = subsets > 1 ? Math.Sqrt(estimates.Sum(e => (e - mean) * (e - mean)) / (subsets - 1)) : 0;
        return new KidResult(mean, spread, subsets, m, seed);
    }

    // The polynomial kernel (x·y/d + 1)³ of Bińkowski et al.; its degree is made once (decision record 0010).
    private static readonly Scalar Degree = 3.ToScalar();

    private static Tensor Kernel(Tensor x, Tensor y, double n) =>
        Scalars.DividedBy(x.matmul(y.t()), n).add(Scalars.One, Scalars.One).pow(Degree);

    /// <summary>SplitMix64: small, fast and fully specified, so a seed means the same subsets everywhere.</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong state = seed;

        private ulong Next()
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, bound), by rejection so that no value is favoured.</summary>
        private long Below(long bound)
        {
            var k = (ulong)bound;
            var excess = (ulong.MaxValue % k + 1) % k;
            while (true)
            {
                var r = Next();
                if (excess == 0 || r <= ulong.MaxValue - excess)
                    return (long)(r % k);
            }
        }

        /// <summary><paramref name="count"/> distinct indices below <paramref name="population"/> (partial Fisher-Yates).</summary>
        public long[] Sample(int population, int count)
        {
            var indices = new long[population];
            for (var i = 0; i < population; i++)
                indices[i] = i;
            for (var i = 0; i < count; i++)
            {
                var j = i + Below(population - i);
                (indices[i], indices[j]) = (indices[j], indices[i]);
            }
            return indices[..count];
        }
    }
}
