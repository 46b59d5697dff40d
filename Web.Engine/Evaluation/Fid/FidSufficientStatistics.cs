using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation.Fid;

/// <summary>
/// What a FID needs of a feature set, in a form that merges exactly: N, the feature sum Σx, and the scatter
/// Σ(x - x̄)(x - x̄)ᵀ about the set's own mean, in float64. Parts merge by Chan, Golub and LeVeque's rule
/// (scatters add, plus Σ nₖ(x̄ₖ - x̄)(x̄ₖ - x̄)ᵀ for the parts' means), which is exact in exact arithmetic; it is
/// used rather than the raw outer-product sum Σxxᵀ because Σxxᵀ - N·x̄x̄ᵀ cancels away the leading digits
/// when features sit far from zero relative to their spread, as Inception's do (decision record 0026).
/// <see cref="ToStatistics"/> gives the mean and covariance of <see cref="FidStatistics.FromActivations"/>, by
/// the same N - 1 definition, bit for bit when there is one part.
/// </summary>
public sealed class FidSufficientStatistics
{
    public FidSufficientStatistics(long count, double[] sum, double[] scatter, string featureSpace)
    {
        if (count < 1)
            throw new InputException($"FID sufficient statistics need at least one image, not {count}");
        if (sum.Length == 0 || (long)sum.Length * sum.Length != scatter.LongLength)
            throw new InputException($"FID sufficient statistics: a feature sum of {sum.Length} values needs a {sum.Length}x{sum.Length} " +
                $"scatter, not {scatter.LongLength} values");
        Count = count;
        Sum = sum;
        Scatter = scatter;
        FeatureSpace = featureSpace;
    }

    /// <summary>N, the number of feature rows.</summary>
    public long Count { get; }

    [JsonIgnore]
    public int Dimensions => Sum.Length;

    /// <summary>Σx over the rows.</summary>
    public double[] Sum { get; }

    /// <summary>Σ(x - x̄)(x - x̄)ᵀ over the rows, x̄ their mean; row-major [Dimensions, Dimensions].</summary>
    public double[] Scatter { get; }

    public string FeatureSpace { get; }

    /// <summary>The statistics of feature rows of one length (at least one row), computed as <see cref="FidStatistics.FromActivations"/> centres them.</summary>
    public static FidSufficientStatistics FromRows(IReadOnlyList<double[]> rows, string featureSpace)
    {
        if (rows.Count == 0)
            throw new InputException("FID sufficient statistics need at least one feature row");
        var dimensions = rows[0].Length;
        if (rows.Any(r => r.Length != dimensions))
            throw new InputException($"FID sufficient statistics need feature rows of one length, not {string.Join(", ", rows.Select(r => r.Length).Distinct())}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var features = tensor(rows.SelectMany(r => r).ToArray(), [rows.Count, dimensions], ScalarType.Float64);
        var sum = features.sum([0]);
        var centred = features - Scalars.DividedBy(sum, rows.Count);
        var scatter = centred.t().matmul(centred);
        return new FidSufficientStatistics(rows.Count, sum.data<double>().ToArray(), scatter.contiguous().data<double>().ToArray(), featureSpace);
    }

    /// <summary>The statistics of the union of the parts; the parts are added in the order given.</summary>
    public static FidSufficientStatistics Merge(IReadOnlyList<FidSufficientStatistics> parts)
    {
        if (parts.Count == 0)
            throw new InputException("there are no FID sufficient statistics to merge");
        var first = parts[0];
        foreach (var part in parts)
        {
            if (part.Dimensions != first.Dimensions)
                throw new InputException($"FID sufficient statistics of {first.Dimensions} and {part.Dimensions} dimensions cannot be merged");
            if (part.FeatureSpace != first.FeatureSpace)
                throw new InputException($"FID sufficient statistics from different feature extractors cannot be merged ('{first.FeatureSpace}' vs '{part.FeatureSpace}')");
        }
        if (parts.Count == 1)
            return first;
        var count = parts.Sum(p => p.Count);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sum = zeros(first.Dimensions, ScalarType.Float64);
        foreach (var part in parts)
            sum = sum.add(tensor(part.Sum, ScalarType.Float64), Scalars.One);
        var mean = Scalars.DividedBy(sum, count);
        var scatter = zeros([first.Dimensions, first.Dimensions], ScalarType.Float64);
        foreach (var part in parts)
        {
            // A part's scatter is about its own mean; moving it to the common mean adds nₖ·δδᵀ, δ = x̄ₖ - x̄.
            var delta = Scalars.DividedBy(tensor(part.Sum, ScalarType.Float64), part.Count).add(mean, Scalars.MinusOne);
            scatter = scatter.add(tensor(part.Scatter, [first.Dimensions, first.Dimensions], ScalarType.Float64), Scalars.One)
                .add(Scalars.Times(part.Count, outer(delta, delta)), Scalars.One);
        }
        return new FidSufficientStatistics(count, sum.data<double>().ToArray(), scatter.contiguous().data<double>().ToArray(), first.FeatureSpace);
    }

    /// <summary>μ = Σx / N and Σ = scatter · 1/(N - 1), symmetrised, exactly as <see cref="FidStatistics.FromActivations"/> does.</summary>
    public FidStatistics ToStatistics(string name)
    {
        if (Count < 2)
            throw new InputException($"FID statistics of '{name}' need at least 2 images for a covariance, not {Count}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var mu = Scalars.DividedBy(tensor(Sum, ScalarType.Float64), Count);
        var sigma = Scalars.Times(1.0 / (Count - 1), tensor(Scatter, [Dimensions, Dimensions], ScalarType.Float64));
        sigma = sigma.add(sigma.t(), Scalars.One) * Scalars.Half;
        return new FidStatistics(name, Count, mu.data<double>().ToArray(), sigma.contiguous().data<double>().ToArray(), FeatureSpace);
    }
}
