using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>Everything one <c>bench</c> run measured, with the conditions it ran under.</summary>
public sealed record BenchReport(BenchEnvironment Environment, IReadOnlyList<BenchSectionResult> Sections);

/// <param name="Allocator">The memory allocator mode in force: <c>tuned</c>, <c>default</c> or <c>unavailable</c>.</param>
/// <param name="Thread"><c>main</c>, or <c>new</c> when the sections ran on a thread started for them (as the server's engine thread).</param>
/// <param name="OneDnn">Whether oneDNN's convolutions ran, and why (<see cref="OneDnn.Current"/>): about twice as fast where they are right.</param>
public sealed record BenchEnvironment(int TorchThreads, int Processors, string Device, string Os, int Repeats, int Warmup, long Seed,
    string Allocator, string Thread, string OneDnn);

/// <summary>Selects sections by name and runs them in registry order.</summary>
public static class BenchRunner
{
    public static IReadOnlyList<IBenchSection> Select(IReadOnlyList<IBenchSection> sections, IReadOnlyCollection<string>? only)
    {
        if (only is null || only.Count == 0)
            return sections;
        var unknown = only.Where(name => sections.All(s => !string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
            throw new InputException($"unknown bench section(s) {string.Join(", ", unknown)}; valid: {string.Join(", ", sections.Select(s => s.Name))}");
        return sections.Where(s => only.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    /// <param name="onNewThread">Run the sections on a thread started for them, whose allocations glibc serves from
    /// an arena of its own, as it does for the server's engine thread.</param>
    public static BenchReport Run(IReadOnlyList<IBenchSection> sections, BenchOptions options, TextWriter log, bool onNewThread = false)
    {
        var environment = new BenchEnvironment(get_num_threads(), System.Environment.ProcessorCount, "cpu float32",
            System.Runtime.InteropServices.RuntimeInformation.OSDescription, options.Repeats, options.Warmup, options.Seed,
            MemoryAllocator.Current, onNewThread ? "new" : "main", OneDnn.Current);
        if (!onNewThread)
            return new BenchReport(environment, RunAll(sections, options, log));
        IReadOnlyList<BenchSectionResult>? results = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                results = RunAll(sections, options, log);
            }
            catch (Exception error)
            {
                failure = error;
            }
        }) { Name = "c2d-bench" };
        thread.Start();
        thread.Join();
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return new BenchReport(environment, results!);
    }

    private static List<BenchSectionResult> RunAll(IReadOnlyList<IBenchSection> sections, BenchOptions options, TextWriter log)
    {
        var results = new List<BenchSectionResult>();
        foreach (var section in sections)
        {
            using var scope = NewDisposeScope();
            var peakReset = ProcessMemory.ResetPeak();
            var before = ResourceUsage.Process();
            var figures = section.Run(options, log).ToList();
            figures.AddRange(ProcessFigures(ResourceUsage.Process() - before, peakReset));
            results.Add(new BenchSectionResult(section.Name, section.Description, figures));
        }
        return results;
    }

    private static double? LoadAverage()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path))
            return null;
        var first = File.ReadAllText(path).Split(' ')[0];
        return double.TryParse(first, System.Globalization.CultureInfo.InvariantCulture, out var load) ? load : null;
    }

    /// <summary>What the whole section cost the process: CPU time by mode, page faults and peak resident memory.</summary>
    private static IEnumerable<BenchFigure> ProcessFigures(ResourceUsage spent, bool peakReset)
    {
        if (ResourceUsage.Available)
        {
            yield return new("process.system_share", spent.SystemShare, "%", "system time / (user + system) over the whole section, all threads");
            yield return new("process.system_s", spent.SystemSeconds, "s", "CPU time in the kernel: page faults, returning memory, thread wake-ups");
            yield return new("process.user_s", spent.UserSeconds, "s");
            yield return new("process.minor_faults", spent.MinorFaults, "faults");
        }
        if (LoadAverage() is { } load)
            yield return new("process.load_1m", load, "", "the machine's 1-minute load average at the section's end; other processes share the cores above the core count");
        if (ProcessMemory.PeakRssBytes is { } peak)
            yield return new("process.peak_rss_mb", peak / 1048576.0, "MiB", peakReset
                ? "VmHWM at the section's end, reset at its start (a section may reset it again itself)"
                : "VmHWM since the process started (could not reset the peak)");
    }
}
