using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation.Fid;

/// <summary>When the ε·I fallback of pytorch-fid's <c>calculate_frechet_distance</c> applies.</summary>
public enum SingularProductFallback
{
    /// <summary>
    /// Where pytorch-fid's SciPy <c>sqrtm</c> returns non-finite values and it retries with ε on both diagonals:
    /// when each set has a feature that is exactly constant (a zero row and column in its covariance) and the
    /// other set does not share it. Σ1·Σ2 then has an exact zero row and a different exact zero column, two
    /// coupled zero eigenvalues on which the Schur square root divides by zero.
    /// </summary>
    PytorchFid,

    /// <summary>Never add ε; the symmetric route needs no help.</summary>
    Never,
}

/// <summary>Settings of <see cref="FrechetDistance"/>; the defaults are pytorch-fid's.</summary>
public sealed record FrechetOptions
{
    public static FrechetOptions PytorchFid { get; } = new();

    public double Eps { get; init; } = 1e-6;

    public SingularProductFallback Fallback { get; init; } = SingularProductFallback.PytorchFid;

    /// <summary>
    /// pytorch-fid refuses a square root whose diagonal has an imaginary part above 1e-3. Here the square roots
    /// are of eigenvalues, so an eigenvalue below -(1e-3)² is refused, and smaller negative ones count as 0.
    /// </summary>
    public double MaxImaginary { get; init; } = 1e-3;
}

/// <summary>One Fréchet distance and how it was reached.</summary>
public sealed record FrechetOutcome(double Distance, double MeanTerm, double TraceSqrtProduct, bool FallbackApplied);

/// <summary>
/// The Fréchet distance between two Gaussians, ‖μ1 − μ2‖² + tr Σ1 + tr Σ2 − 2 tr √(Σ1Σ2), in float64.
/// tr √(Σ1Σ2) is taken by the symmetric route: the eigenvalues of Σ1Σ2 are those of A = Σ1^½ Σ2 Σ1^½, which is
/// symmetric positive semi-definite, so two symmetric eigen-decompositions (LAPACK's, through LibTorch's
/// <c>linalg.eigh</c>) replace SciPy's Schur-based <c>sqrtm</c>. LibTorch is already loaded and its solver
/// handles 2048x2048 in seconds, where a hand-written Jacobi sweep would take minutes and MathNet would be a
/// second numerical library to ship for one call.
/// </summary>
public static class FrechetDistance
{
    public static FidResult Compute(FidStatistics reference, FidStatistics candidate, FrechetOptions? options = null)
    {
        if (reference.Dimensions != candidate.Dimensions)
            throw new InputException($"FID statistics '{reference.Name}' have {reference.Dimensions} dimensions but " +
                $"'{candidate.Name}' have {candidate.Dimensions}");
        if (reference.FeatureSpace != candidate.FeatureSpace)
            throw new InputException($"FID statistics '{reference.Name}' and '{candidate.Name}' come from different feature " +
                $"extractors ('{reference.FeatureSpace}' vs '{candidate.FeatureSpace}'), so their distance means nothing");
        var outcome = Compute(reference.Mu, reference.Sigma, candidate.Mu, candidate.Sigma, options);
        return new FidResult(outcome.Distance, FidSetSummary.Of(reference), FidSetSummary.Of(candidate),
            reference.FeatureSpace, outcome.FallbackApplied);
    }

    public static FrechetOutcome Compute(ReadOnlySpan<double> mu1, ReadOnlySpan<double> sigma1,
        ReadOnlySpan<double> mu2, ReadOnlySpan<double> sigma2, FrechetOptions? options = null)
    {
        options ??= FrechetOptions.PytorchFid;
        var d = mu1.Length;
        if (d == 0 || mu2.Length != d || sigma1.Length != (long)d * d || sigma2.Length != (long)d * d)
            throw new InputException($"means of {mu1.Length} and {mu2.Length} values with covariances of {sigma1.Length} and " +
                $"{sigma2.Length} values do not describe two Gaussians of one dimension");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var s1 = Covariance(sigma1, d, "first");
        var s2 = Covariance(sigma2, d, "second");
        var diff = Vector(mu1, "first") - Vector(mu2, "second");
        var meanTerm = diff.dot(diff).item<double>();
        var traces = s1.trace().item<double>() + s2.trace().item<double>();

        var fallback = options.Fallback == SingularProductFallback.PytorchFid && HasUnsharedConstantFeatures(s1, s2);
        if (fallback)
        {
            var offset = Scalars.Times(options.Eps, eye(d, dtype: ScalarType.Float64));
            s1 = s1.add(offset, Scalars.One);
            s2 = s2.add(offset, Scalars.One);
        }
        var traceSqrt = TraceSqrtProduct(s1, s2, options.MaxImaginary);
        // Like pytorch-fid, the traces are those of the covariances as given, without ε.
        return new FrechetOutcome(meanTerm + traces - 2 * traceSqrt, meanTerm, traceSqrt, fallback);
    }

    /// <summary>tr √(Σ1Σ2) = Σ √λ(Σ1^½ Σ2 Σ1^½).</summary>
    private static double TraceSqrtProduct(Tensor s1, Tensor s2, double maxImaginary)
    {
        var (values, vectors) = linalg.eigh(s1);
        CheckReal(values, maxImaginary, "the first covariance");
        var sqrtS1 = (vectors * values.clamp_min(Scalars.Zero).sqrt()).matmul(vectors.t());
        var a = sqrtS1.matmul(s2).matmul(sqrtS1);
        var eigenvalues = linalg.eigvalsh(a.add(a.t(), Scalars.One) * Scalars.Half);
        CheckReal(eigenvalues, maxImaginary, "Σ1·Σ2");
        return eigenvalues.clamp_min(Scalars.Zero).sqrt().sum().item<double>();
    }

    private static void CheckReal(Tensor eigenvalues, double maxImaginary, string what)
    {
        var lowest = eigenvalues.min().item<double>();
        if (lowest < -maxImaginary * maxImaginary)
            throw new InputException($"Imaginary component {Math.Sqrt(-lowest):G4}: {what} has eigenvalue {lowest:G4}, so its square " +
                "root is complex; the statistics are not valid covariances");
    }

    private static bool HasUnsharedConstantFeatures(Tensor s1, Tensor s2)
    {
        var constant1 = s1.diagonal().eq(Scalars.Zero);
        var constant2 = s2.diagonal().eq(Scalars.Zero);
        return constant1.logical_and(constant2.logical_not()).any().item<bool>()
            && constant2.logical_and(constant1.logical_not()).any().item<bool>();
    }

    private static Tensor Covariance(ReadOnlySpan<double> values, int d, string which)
    {
        var sigma = tensor(values.ToArray(), [d, d], ScalarType.Float64);
        if (!sigma.isfinite().all().item<bool>())
            throw new InputException($"the {which} covariance holds NaN or infinite values");
        var scale = sigma.abs().max().item<double>();
        var asymmetry = (sigma - sigma.t()).abs().max().item<double>();
        if (asymmetry > 1e-9 * scale)
            throw new InputException($"the {which} covariance is not symmetric (entries differ from their transposes by up to {asymmetry:G3})");
        return sigma.add(sigma.t(), Scalars.One) * Scalars.Half;
    }

    private static Tensor Vector(ReadOnlySpan<double> values, string which)
    {
        var mu = tensor(values.ToArray(), [values.Length], ScalarType.Float64);
        return mu.isfinite().all().item<bool>() ? mu : throw new InputException($"the {which} mean holds NaN or infinite values");
    }
}
