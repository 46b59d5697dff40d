using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Engine.Weights;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Fid;

public sealed class FrechetDistanceParityTests(ITestOutputHelper output)
{
    private const string FeatureSpace = "fixture features";

    [Theory]
    [InlineData("a", 1e-6)]
    [InlineData("b", 1e-6)]
    [InlineData("c", 1e-8)]
    [InlineData("d", 1e-5)]
    public void Distance_matches_pytorch_fid_including_its_eps_fallback(string name, double tolerance)
    {
        using var file = SafeTensorsFile.Open(FidFix.FixturePath("frechet_distance.safetensors"));

        var outcome = FrechetDistance.Compute(Doubles(file, $"{name}.mu1"), Doubles(file, $"{name}.sigma1"),
            Doubles(file, $"{name}.mu2"), Doubles(file, $"{name}.sigma2"));

        var expected = Doubles(file, $"{name}.distance")[0];
        var target = name == "c" ? 0 : expected;
        output.WriteLine($"{name}: ours {outcome.Distance:R}, pytorch-fid {expected:R}, |diff| {Math.Abs(outcome.Distance - expected):G3}");
        Assert.True(Math.Abs(outcome.Distance - target) <= tolerance, $"{outcome.Distance:R} vs {target:R}");
        using var fallback = file.Load($"{name}.fallback_triggered");
        Assert.Equal(fallback.item<long>() == 1, outcome.FallbackApplied);
    }

    // Case d is rank-deficient: square roots of eigenvalues near zero turn 1e-14 rounding into 1e-7.
    [Theory]
    [InlineData("a", 1e-8)]
    [InlineData("b", 1e-8)]
    [InlineData("c", 1e-8)]
    [InlineData("d", 1e-6)]
    public void Without_the_fallback_the_symmetric_route_matches_eigh_without_eps(string name, double tolerance)
    {
        using var file = SafeTensorsFile.Open(FidFix.FixturePath("frechet_distance.safetensors"));

        var outcome = FrechetDistance.Compute(Doubles(file, $"{name}.mu1"), Doubles(file, $"{name}.sigma1"),
            Doubles(file, $"{name}.mu2"), Doubles(file, $"{name}.sigma2"), new FrechetOptions { Fallback = SingularProductFallback.Never });

        var expected = Doubles(file, $"{name}.distance_eigh_no_eps")[0];
        output.WriteLine($"{name}: ours {outcome.Distance:R}, eigh without eps {expected:R}");
        Assert.False(outcome.FallbackApplied);
        Assert.True(Math.Abs(outcome.Distance - expected) <= tolerance, $"{outcome.Distance:R} vs {expected:R}");
    }

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    [InlineData("c")]
    [InlineData("d")]
    public void Statistics_from_the_features_equal_numpy_mean_and_cov(string name)
    {
        using var file = SafeTensorsFile.Open(FidFix.FixturePath("frechet_distance.safetensors"));
        foreach (var set in new[] { "1", "2" })
        {
            var features = Activations(file, $"{name}.features{set}");
            var statistics = FidStatistics.FromActivations($"{name}{set}", features);

            var mu = Doubles(file, $"{name}.mu{set}");
            var sigma = Doubles(file, $"{name}.sigma{set}");
            var muError = mu.Zip(statistics.Mu, (e, a) => Math.Abs(e - a)).Max();
            var sigmaError = sigma.Zip(statistics.Sigma, (e, a) => Math.Abs(e - a)).Max();
            output.WriteLine($"{name}{set}: max |mu error| {muError:G3}, max |sigma error| {sigmaError:G3}");
            Assert.Equal(features.Count, statistics.Count);
            Assert.True(muError <= 1e-13 && sigmaError <= 1e-12, $"mu {muError:G3}, sigma {sigmaError:G3}");
        }
    }

    [Fact]
    public void Fid_from_features_reproduces_case_a_and_names_both_sets()
    {
        using var file = SafeTensorsFile.Open(FidFix.FixturePath("frechet_distance.safetensors"));
        var reference = FidStatistics.FromActivations("fixture a, set 1", Activations(file, "a.features1"));
        var candidate = FidStatistics.FromActivations("fixture a, set 2", Activations(file, "a.features2"));

        var result = FrechetDistance.Compute(reference, candidate);

        Assert.True(Math.Abs(result.Value - Doubles(file, "a.distance")[0]) <= 1e-6, $"{result.Value:R}");
        Assert.Equal("fixture a, set 1", result.Reference.Name);
        Assert.Equal(200, result.Reference.Count);
        Assert.Equal(300, result.Candidate.Count);
        Assert.False(result.ComparableToPublished);
        Assert.Contains("'fixture a, set 2' (N=300) against 'fixture a, set 1' (N=200)", result.Summary);
        Assert.Contains("not comparable to published FID", result.Summary);
    }

    internal static double[] Doubles(SafeTensorsFile file, string name)
    {
        using var values = file.Load(name, ScalarType.Float64);
        return values.data<double>().ToArray();
    }

    internal static FidActivations Activations(SafeTensorsFile file, string name)
    {
        using var features = file.Load(name, ScalarType.Float64);
        return FidActivations.FromTensor(features, FeatureSpace);
    }
}
