using Clap2Diffusion.Engine.Evaluation.Fid;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// pytorch-fid's statistics and <c>calculate_frechet_distance</c>, case by case (<c>x.features1</c> … <c>x.distance</c>).
/// Tolerances from the README, chosen by the data so other seeds fit: rank-deficient sets (N &lt; d) 1e-5, identical
/// sets 1e-8, otherwise 1e-6, for pytorch-fid's distance and for the symmetric routes with and without ε alike; the statistics
/// 1e-12·max(1, absmax); the fallback flag exactly.
/// </summary>
internal static class FrechetCases
{
    private const string FeatureSpace = "parity fixture features";

    public static void Run(ReferenceFile file, ParityRun run)
    {
        var cases = file.Names.Where(n => n.EndsWith(".distance", StringComparison.Ordinal)).Select(n => n[..^".distance".Length]);
        foreach (var name in cases)
            RunCase(file, name, run);
    }

    private static void RunCase(ReferenceFile file, string name, ParityRun run)
    {
        using var scope = NewDisposeScope();
        var statistics = ParityTolerance.Scaled(1e-12);
        foreach (var set in new[] { "1", "2" })
        {
            var features = file.Load($"{name}.features{set}", ScalarType.Float64);
            var ours = FidStatistics.FromActivations($"{name}{set}", FidActivations.FromTensor(features, FeatureSpace));
            run.Compare(file, $"{name}.mu{set}", tensor(ours.Mu, [ours.Dimensions], ScalarType.Float64), statistics);
            run.Compare(file, $"{name}.sigma{set}", tensor(ours.Sigma, [ours.Dimensions, ours.Dimensions], ScalarType.Float64), statistics);
        }

        var (mu1, sigma1, mu2, sigma2) = (Values(file, $"{name}.mu1"), Values(file, $"{name}.sigma1"),
            Values(file, $"{name}.mu2"), Values(file, $"{name}.sigma2"));
        var pytorchFid = FrechetDistance.Compute(mu1, sigma1, mu2, sigma2);
        var noEps = FrechetDistance.Compute(mu1, sigma1, mu2, sigma2, new FrechetOptions { Fallback = SingularProductFallback.Never });

        var reference = Values(file, $"{name}.distance")[0];
        var rankDeficient = Math.Min(file.Load($"{name}.features1").shape[0], file.Load($"{name}.features2").shape[0]) <= mu1.Length;
        var distanceTolerance = rankDeficient ? 1e-5 : Math.Abs(reference) < 1e-6 ? 1e-8 : 1e-6;
        run.Compare(file, $"{name}.distance", Scalar(pytorchFid.Distance), ParityTolerance.Absolute(distanceTolerance));
        // With the fallback, ours is the symmetric route on the ε-shifted covariances: the reference's eigh route with the same ε.
        if (file.Contains($"{name}.distance_eigh_same_eps"))
            run.Compare(file, $"{name}.distance_eigh_same_eps", Scalar(pytorchFid.Distance), ParityTolerance.Absolute(distanceTolerance));
        if (file.Contains($"{name}.distance_eigh_no_eps"))
            run.Compare(file, $"{name}.distance_eigh_no_eps", Scalar(noEps.Distance), ParityTolerance.Absolute(distanceTolerance));
        if (file.Contains($"{name}.fallback_triggered"))
            run.Compare(file, $"{name}.fallback_triggered", tensor(new[] { pytorchFid.FallbackApplied ? 1L : 0L }), ParityTolerance.Identical);
    }

    private static Tensor Scalar(double value) => tensor(new[] { value }, ScalarType.Float64);

    private static double[] Values(ReferenceFile file, string name)
    {
        using var values = file.Load(name, ScalarType.Float64);
        return values.data<double>().ToArray();
    }
}
