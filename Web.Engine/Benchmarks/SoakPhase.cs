using TorchSharp;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// One phase of the soak, watched from the thread that does its work: the live tensor count after each unit
/// against the count after the first (which may keep what it loads for the rest of the phase), the tensors the
/// garbage collector finalised, and the resident memory once 10% of the units are done and at the end.
/// </summary>
/// <remarks>
/// "Finalised" is read from <see cref="torch.Tensor.TotalCount"/>, the process's live tensor objects, which drops
/// when a tensor is disposed by its owner or by the finaliser. A blocking collection at each logged unit (every 5%)
/// and at the end counts what it takes off: a tensor that reached the finaliser thread. A collection the runtime
/// makes by itself between two of these is not seen, so the figure is a lower bound over the phase, exact at its
/// checkpoints. Neither TotalCount nor the thread's live count says by itself whether anything leaked: both stay
/// above their start after a model is built and disposed with nothing of it alive (for one, TotalCount keeps one
/// for every tensor wrapped into a <c>Parameter</c>, which takes its handle; <c>SoakPhaseTests</c> shows it).
/// </remarks>
public sealed class SoakPhase(string name, int units)
{
    private long baseline;
    private long? afterFirst;
    private int unitsOffBaseline;
    private long? rssAtTenth;
    private long worstDrift;
    private long finalised;

    public void Begin()
    {
        // Whatever earlier work left to the finaliser is not this phase's.
        CollectAndCountFinalised();
        finalised = 0;
        baseline = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
    }

    public void UnitDone(int unit, TextWriter log)
    {
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        afterFirst ??= live;
        if (live != afterFirst)
        {
            unitsOffBaseline++;
            worstDrift = Math.Max(worstDrift, Math.Abs(live - afterFirst.Value));
        }
        var tenth = rssAtTenth is null && unit >= Math.Max(1, units / 10);
        var logged = unit % Math.Max(1, units / 20) == 0 || unit == units;
        if (tenth || logged)
            finalised += CollectAndCountFinalised();
        if (tenth)
            rssAtTenth = ProcessMemory.RssBytes;
        if (logged)
            log.WriteLine($"soak: {name} {unit}/{units}, live tensors {live - baseline:+0;-0;0} over the phase's start, " +
                $"{finalised} finalised, rss {ProcessMemory.RssBytes / 1048576.0:F0} MiB, managed heap {GC.GetTotalMemory(false) / 1048576.0:F0} MiB");
    }

    public IEnumerable<BenchFigure> End(int nonFinite, int done)
    {
        finalised += CollectAndCountFinalised();
        var rssAtEnd = ProcessMemory.RssBytes;
        var leftOver = DisposeScopeManager.Statistics.ThreadTotalLiveCount - baseline;
        yield return new BenchFigure($"{name}.units", done, "", $"of {units} planned");
        yield return new BenchFigure($"{name}.non_finite", nonFinite, "", "target 0");
        yield return new BenchFigure($"{name}.units_off_baseline", unitsOffBaseline, "",
            $"units after which this thread's live tensors differed from after the first (worst by {worstDrift}); target 0");
        yield return new BenchFigure($"{name}.finalised_tensors", finalised, "",
            "tensors the collections at each logged unit and at the end finalised; target 0");
        yield return new BenchFigure($"{name}.live_tensors_left", leftOver, "",
            "live tensors on this thread after the phase, over its start (not a leak measure after loading, see SoakPhase)");
        if (rssAtTenth is { } tenth && rssAtEnd is { } end)
        {
            yield return new BenchFigure($"{name}.rss_10pct_mb", tenth / 1048576.0, "MiB");
            yield return new BenchFigure($"{name}.rss_100pct_mb", end / 1048576.0, "MiB");
            yield return new BenchFigure($"{name}.rss_growth_pct", 100.0 * (end - tenth) / tenth, "%", "from 10% to 100% of the phase; target within 5");
        }
    }

    /// <summary>A full blocking collection; returns how many tensor objects the finaliser disposed in it.</summary>
    public static long CollectAndCountFinalised()
    {
        var before = torch.Tensor.TotalCount;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        // Tensors made by other threads meanwhile would count against the drop, never for it.
        return Math.Max(0, before - torch.Tensor.TotalCount);
    }
}
