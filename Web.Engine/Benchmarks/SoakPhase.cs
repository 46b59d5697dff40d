using TorchSharp;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// One phase of the soak, watched from the thread that does its work: the live tensor count after each unit
/// against the count after the first (which may keep what it loads for the rest of the phase), and the resident
/// memory once 10% of the units are done and at the end.
/// </summary>
public sealed class SoakPhase(string name, int units)
{
    private long baseline;
    private long? afterFirst;
    private int unitsOffBaseline;
    private long? rssAtTenth;
    private long worstDrift;

    public void Begin() => baseline = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    public void UnitDone(int unit, TextWriter log)
    {
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        afterFirst ??= live;
        if (live != afterFirst)
        {
            unitsOffBaseline++;
            worstDrift = Math.Max(worstDrift, Math.Abs(live - afterFirst.Value));
        }
        if (rssAtTenth is null && unit >= Math.Max(1, units / 10))
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            rssAtTenth = ProcessMemory.RssBytes;
        }
        if (unit % Math.Max(1, units / 20) == 0 || unit == units)
            log.WriteLine($"soak: {name} {unit}/{units}, live tensors {live - baseline:+0;-0;0} over the phase's start, rss {ProcessMemory.RssBytes / 1048576.0:F0} MiB");
    }

    public IEnumerable<BenchFigure> End(int nonFinite, int done)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var rssAtEnd = ProcessMemory.RssBytes;
        var leftOver = DisposeScopeManager.Statistics.ThreadTotalLiveCount - baseline;
        yield return new BenchFigure($"{name}.units", done, "", $"of {units} planned");
        yield return new BenchFigure($"{name}.non_finite", nonFinite, "", "target 0");
        yield return new BenchFigure($"{name}.units_off_baseline", unitsOffBaseline, "",
            $"units after which this thread's live tensors differed from after the first (worst by {worstDrift}); target 0");
        yield return new BenchFigure($"{name}.live_tensors_left", leftOver, "", "live tensors on this thread after the phase, over its start; target 0");
        if (rssAtTenth is { } tenth && rssAtEnd is { } end)
        {
            yield return new BenchFigure($"{name}.rss_10pct_mb", tenth / 1048576.0, "MiB");
            yield return new BenchFigure($"{name}.rss_100pct_mb", end / 1048576.0, "MiB");
            yield return new BenchFigure($"{name}.rss_growth_pct", 100.0 * (end - tenth) / tenth, "%", "from 10% to 100% of the phase; target within 5");
        }
    }
}
