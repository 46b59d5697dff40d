namespace Clap2Diffusion.Server.Study.Statistics;

/// <summary>Exact binomial probabilities, summed in log space so thousands of trials stay accurate.</summary>
public static class Binomial
{
    /// <summary>P(X &gt;= k) for X ~ Binomial(n, p).</summary>
    public static double UpperTail(int n, int k, double p)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (p is < 0 or > 1 || double.IsNaN(p))
            throw new ArgumentOutOfRangeException(nameof(p), p, "a probability lies in [0, 1]");
        if (k <= 0)
            return 1;
        if (k > n)
            return 0;
        if (p == 0)
            return 0;
        if (p == 1)
            return 1;

        var logP = Math.Log(p);
        var logQ = Math.Log(1 - p);
        var logTerms = new double[n - k + 1];
        for (var i = k; i <= n; i++)
            logTerms[i - k] = LogChoose(n, i) + i * logP + (n - i) * logQ;
        var max = logTerms.Max();
        var sum = logTerms.Sum(t => Math.Exp(t - max));
        return Math.Min(1, Math.Exp(max) * sum);
    }

    /// <summary>Two-sided exact test of p = 0.5 (the left/right bias check): twice the smaller tail, capped at 1.</summary>
    public static double TwoSidedFairCoinPValue(int n, int k)
    {
        if (n == 0)
            return 1;
        var upper = UpperTail(n, k, 0.5);
        var lower = UpperTail(n, n - k, 0.5);
        return Math.Min(1, 2 * Math.Min(upper, lower));
    }

    private static double LogChoose(int n, int k) =>
        SpecialFunctions.LogGamma(n + 1) - SpecialFunctions.LogGamma(k + 1) - SpecialFunctions.LogGamma(n - k + 1);
}
