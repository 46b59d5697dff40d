using System.Diagnostics;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>Wall-clock timing: warm-up runs, then the median (and spread) of timed runs.</summary>
public static class Timing
{
    public sealed record Result(double MedianMs, double MinMs, double MaxMs, int Runs);

    public static Result Measure(Action run, int warmup, int repeats)
    {
        if (repeats < 1)
            throw new InputException("at least one timed repeat is needed");
        for (var i = 0; i < warmup; i++)
            run();
        var times = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        var median = repeats % 2 == 1 ? times[repeats / 2] : (times[repeats / 2 - 1] + times[repeats / 2]) / 2;
        return new Result(median, times[0], times[^1], repeats);
    }

    public static double Seconds(Action run)
    {
        var clock = Stopwatch.StartNew();
        run();
        return clock.Elapsed.TotalSeconds;
    }
}
