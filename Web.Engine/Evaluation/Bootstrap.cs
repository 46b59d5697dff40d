using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>A mean with its bootstrap confidence interval.</summary>
/// <param name="Count">How many values the mean is over.</param>
public sealed record Estimate(double Mean, double Low, double High, int Count)
{
    public Estimate Map(Func<double, double> monotonic) => this with { Mean = monotonic(Mean), Low = monotonic(Low), High = monotonic(High) };
}

/// <summary>
/// Percentile bootstrap of a mean: resample the values with replacement, take the mean of each resample, and
/// read the interval off the sorted means at (1 − confidence)/2 and (1 + confidence)/2 with numpy's default
/// linear interpolation. The draws come from the demo world's SplitMix64 generator, so a seed gives the same
/// interval on every platform. A difference between two conditions on the same cases is the mean of the
/// per-case differences, which resamples cases in pairs.
/// </summary>
public static class Bootstrap
{
    public const int DefaultResamples = 2000;
    public const double DefaultConfidence = 0.95;

    public static Estimate? Mean(IReadOnlyList<double> values, ulong seed, int resamples = DefaultResamples, double confidence = DefaultConfidence)
    {
        if (resamples < 1)
            throw new InputException($"the bootstrap needs at least one resample, not {resamples}");
        if (confidence is <= 0 or >= 1)
            throw new InputException($"the confidence level must lie strictly between 0 and 1, not {confidence}");
        if (values.Count == 0)
            return null;
        if (values.Any(v => !double.IsFinite(v)))
            throw new ArgumentException("bootstrap values must be finite", nameof(values));

        var random = new SeededRandom(seed);
        var means = new double[resamples];
        var n = values.Count;
        for (var r = 0; r < resamples; r++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
                sum += values[random.Next(n)];
            means[r] = sum / n;
        }
        Array.Sort(means);
        var tail = (1 - confidence) / 2;
        return new Estimate(values.Average(), Percentile(means, tail), Percentile(means, 1 - tail), n);
    }

    /// <summary>Mean of <paramref name="a"/> − <paramref name="b"/>, case by case.</summary>
    public static Estimate? PairedDifference(IReadOnlyList<double> a, IReadOnlyList<double> b, ulong seed,
        int resamples = DefaultResamples, double confidence = DefaultConfidence)
    {
        if (a.Count != b.Count)
            throw new ArgumentException($"paired values need equal counts, not {a.Count} and {b.Count}", nameof(b));
        return Mean(a.Zip(b, (x, y) => x - y).ToList(), seed, resamples, confidence);
    }

    /// <summary>numpy's <c>percentile(..., method="linear")</c> of values sorted ascending, q in [0, 1].</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
            throw new ArgumentException("no values", nameof(sorted));
        var position = q * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>A seed for one statistic, so every interval is reproducible whatever order they are computed in (FNV-1a).</summary>
    public static ulong SeedFor(ulong runSeed, string statistic)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in statistic)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash ^ runSeed;
    }
}
