using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Fid;

public sealed class FrechetDistanceTests
{
    private const string Space = "test";

    [Fact]
    public void A_set_against_itself_in_another_order_is_zero()
    {
        using var generator = new Generator(3);
        using var mixing = randn([96, 96], dtype: ScalarType.Float64, generator: generator);
        using var features = randn([500, 96], dtype: ScalarType.Float64, generator: generator).matmul(mixing) + 0.5;
        using var order = randperm(500, generator: generator);
        using var shuffled = features.index_select(0, order);
        var original = FidStatistics.FromActivations("original", FidActivations.FromTensor(features, Space));
        var reordered = FidStatistics.FromActivations("reordered", FidActivations.FromTensor(shuffled, Space));

        var result = FrechetDistance.Compute(original, reordered);

        var traces = Trace(original.Sigma, 96) + Trace(reordered.Sigma, 96);
        Assert.True(Math.Abs(result.Value) <= 1e-6 * traces, $"FID {result.Value:G3} with tr Σ1 + tr Σ2 = {traces:G3}");
    }

    [Fact]
    public void Commuting_gaussians_give_the_closed_form()
    {
        // Σ1 = R diag(a) Rᵀ and Σ2 = R diag(b) Rᵀ commute: FID = ‖μ1 − μ2‖² + Σ (√a − √b)².
        const int d = 12;
        using var generator = new Generator(5);
        using var rotation = linalg.qr(randn([d, d], dtype: ScalarType.Float64, generator: generator)).Q;
        double[] a = [.. Enumerable.Range(1, d).Select(i => 0.25 * i)];
        double[] b = [.. Enumerable.Range(1, d).Select(i => 4.0 / i)];
        double[] mu1 = [.. Enumerable.Range(0, d).Select(i => 0.1 * i)];
        double[] mu2 = [.. Enumerable.Range(0, d).Select(i => -0.2 * i + 1)];

        var outcome = FrechetDistance.Compute(mu1, Rotated(rotation, a), mu2, Rotated(rotation, b));

        var expected = mu1.Zip(mu2, (x, y) => (x - y) * (x - y)).Sum() + a.Zip(b, (x, y) => Math.Pow(Math.Sqrt(x) - Math.Sqrt(y), 2)).Sum();
        Assert.Equal(expected, outcome.Distance, 1e-10);
    }

    [Fact]
    public void Two_dimensional_gaussians_that_do_not_commute_give_the_closed_form()
    {
        // For 2x2 M = Σ1Σ2 with non-negative eigenvalues, tr √M = √(tr M + 2√det M).
        double[] sigma1 = [2.0, 0.6, 0.6, 1.0];
        double[] sigma2 = [0.5, -0.3, -0.3, 3.0];
        double[] mu1 = [1, -1];
        double[] mu2 = [0.5, 2];
        var m = new[]
        {
            sigma1[0] * sigma2[0] + sigma1[1] * sigma2[2], sigma1[0] * sigma2[1] + sigma1[1] * sigma2[3],
            sigma1[2] * sigma2[0] + sigma1[3] * sigma2[2], sigma1[2] * sigma2[1] + sigma1[3] * sigma2[3],
        };
        var traceSqrt = Math.Sqrt(m[0] + m[3] + 2 * Math.Sqrt(m[0] * m[3] - m[1] * m[2]));
        var expected = 0.25 + 9 + 3.0 + 3.5 - 2 * traceSqrt;

        var outcome = FrechetDistance.Compute(mu1, sigma1, mu2, sigma2);

        Assert.Equal(expected, outcome.Distance, 1e-12);
        Assert.Equal(traceSqrt, outcome.TraceSqrtProduct, 1e-12);
    }

    [Fact]
    public void Covariances_with_a_real_negative_eigenvalue_are_refused_as_imaginary()
    {
        var error = Assert.Throws<InputException>(() => FrechetDistance.Compute([0, 0], [1, 0, 0, -0.01], [0, 0], [1, 0, 0, 1]));

        Assert.Contains("Imaginary component 0.1", error.Message);
    }

    [Fact]
    public void Rounding_noise_below_pytorch_fids_imaginary_threshold_is_kept_as_zero()
    {
        var outcome = FrechetDistance.Compute([0, 0], [1, 0, 0, -1e-8], [0, 0], [1, 0, 0, 1]);

        Assert.Equal(1 - 1e-8 + 2 - 2, outcome.Distance, 1e-12);
    }

    public static TheoryData<double[], double[], double[], double[], string> BadInputs => new()
    {
        { [0, 0], [1, 0, 0, 1], [0], [1], "do not describe two Gaussians" },
        { [0, double.NaN], [1, 0, 0, 1], [0, 0], [1, 0, 0, 1], "mean holds NaN" },
        { [0, 0], [1, 0, 0, double.PositiveInfinity], [0, 0], [1, 0, 0, 1], "covariance holds NaN or infinite" },
        { [0, 0], [1, 0.5, 0, 1], [0, 0], [1, 0, 0, 1], "not symmetric" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_statistics_are_refused_with_a_message(double[] mu1, double[] sigma1, double[] mu2, double[] sigma2, string message) =>
        Assert.Contains(message, Assert.Throws<InputException>(() => FrechetDistance.Compute(mu1, sigma1, mu2, sigma2)).Message);

    [Fact]
    public void Statistics_from_different_feature_extractors_are_not_compared()
    {
        var first = new FidStatistics("a", 10, [0.0], [1.0], "pool3");
        var second = new FidStatistics("b", 10, [0.0], [1.0], "block 2");

        Assert.Contains("different feature extractors", Assert.Throws<InputException>(() => FrechetDistance.Compute(first, second)).Message);
    }

    [Theory]
    [InlineData(2048, 2048, 2048, true, null)]
    [InlineData(50000, 2047, 2048, false, "not comparable to published FID (N < 2048)")]
    [InlineData(5000, 5000, 768, false, "not comparable to published FID (768-dimensional features, not pool3)")]
    public void Results_say_when_they_are_not_comparable_to_published_fid(long n1, long n2, int dims, bool comparable, string? note)
    {
        var result = new FidResult(12.5, new FidSetSummary("ref", n1, dims), new FidSetSummary("run", n2, dims), Space, false);

        Assert.Equal(comparable, result.ComparableToPublished);
        Assert.Equal(note, result.ComparabilityNote);
        Assert.StartsWith($"FID 12.5000 of 'run' (N={n2}) against 'ref' (N={n1})", result.Summary);
    }

    private static double Trace(double[] sigma, int d) => Enumerable.Range(0, d).Sum(i => sigma[i * d + i]);

    private static double[] Rotated(Tensor rotation, double[] eigenvalues)
    {
        using var diagonal = diag(tensor(eigenvalues, ScalarType.Float64));
        using var matrix = rotation.matmul(diagonal).matmul(rotation.t());
        using var symmetric = (matrix + matrix.t()) * 0.5;
        return symmetric.contiguous().data<double>().ToArray();
    }
}
