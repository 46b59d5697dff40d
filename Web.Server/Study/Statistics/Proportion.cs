namespace Clap2Diffusion.Server.Study.Statistics;

/// <summary>A count of successes out of trials, with the intervals and tests a study report needs.</summary>
public readonly record struct Proportion(int Successes, int Trials)
{
    public double Estimate => Trials == 0 ? double.NaN : (double)Successes / Trials;

    /// <summary>
    /// Wilson score interval: unlike the normal (Wald) interval it stays inside [0, 1] and keeps close to its
    /// nominal coverage for small samples and rates near 0 or 1.
    /// </summary>
    public (double Low, double High) WilsonInterval(double confidence = 0.95)
    {
        if (Trials == 0)
            return (0, 1);
        var z = Normal.Quantile(1 - (1 - confidence) / 2);
        var p = Estimate;
        var n = (double)Trials;
        var denominator = 1 + z * z / n;
        var centre = (p + z * z / (2 * n)) / denominator;
        var half = z / denominator * Math.Sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>Exact one-sided binomial test of H0: p &lt;= p0 against p &gt; p0; returns P(X &gt;= successes | p0).</summary>
    public double ExactUpperTailPValue(double p0) => Binomial.UpperTail(Trials, Successes, p0);
}
