namespace Clap2Diffusion.Server.Study.Statistics;

/// <summary>
/// Percentile bootstrap of a pooled proportion that resamples participants, not ratings: ratings by one
/// person are correlated, so resampling them one by one would make the interval too narrow.
/// </summary>
public static class ClusterBootstrap
{
    public const int DefaultResamples = 10_000;
    public const int DefaultSeed = 20261125;

    /// <param name="clusters">Per participant: successes and trials.</param>
    public static (double Low, double High) Interval(IReadOnlyList<Proportion> clusters, double confidence = 0.95,
        int resamples = DefaultResamples, int seed = DefaultSeed)
    {
        var usable = clusters.Where(c => c.Trials > 0).ToArray();
        if (usable.Length == 0)
            return (0, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);

        // System.Random with a seed keeps its historical algorithm, so a fixed seed gives the same interval.
        var random = new Random(seed);
        var estimates = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            long successes = 0, trials = 0;
            for (var i = 0; i < usable.Length; i++)
            {
                var pick = usable[random.Next(usable.Length)];
                successes += pick.Successes;
                trials += pick.Trials;
            }
            estimates[r] = (double)successes / trials;
        }
        Array.Sort(estimates);
        var tail = (1 - confidence) / 2;
        return (Percentile(estimates, tail), Percentile(estimates, 1 - tail));
    }

    // Linear interpolation between order statistics (numpy's default "linear" method).
    internal static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
