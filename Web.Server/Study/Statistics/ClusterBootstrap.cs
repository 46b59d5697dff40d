using Clap2Diffusion.Engine.Evaluation;

namespace Clap2Diffusion.Server.Study.Statistics;

/// <summary>
/// Percentile bootstrap of a pooled proportion that resamples participants, not ratings: ratings by one
/// person are correlated, so resampling them one by one would make the interval too narrow. The interval is read
/// off the sorted estimates with the engine's <see cref="Bootstrap.Percentile"/>, the same as every other interval.
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
        return (Bootstrap.Percentile(estimates, tail), Bootstrap.Percentile(estimates, 1 - tail));
    }
}
