using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Engine.Demo.Benchmarks;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.LoadTest;
using static TorchSharp.torch;

namespace Clap2Diffusion.Soak;

/// <summary>
/// Issue 15's soak in one process: the engine's training, generation and evaluation phases
/// (<see cref="SoakBenchSection"/>, on this thread, as <c>bench --only soak</c> runs them), then the web phase
/// (<see cref="WebSoakPhase"/>) on the hosted server's engine thread.
/// </summary>
public static class SoakRun
{
    public static async Task<SoakReport> RunAsync(SoakOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        options.Plan.Validate();
        // Before the first tensor, as the CLI does: the allocator, then oneDNN's self-check (decision 0017); the
        // server's engine thread applies the same settings again later and finds them in force.
        var allocator = MemoryAllocator.Apply(MemoryAllocator.Tuned, log);
        var oneDnn = OneDnn.Apply(OneDnn.Auto, log);
        if (options.Threads > 0)
            set_num_threads(options.Threads);
        var environment = $"{get_num_threads()} torch threads, {Environment.ProcessorCount} processors, allocator {allocator}, oneDNN {oneDnn}";
        log.WriteLine($"soak: {environment}");

        var engine = new SoakBenchSection(options.Plan).Run(new BenchOptions(Seed: options.Seed), log);
        // Printed now as well as in the report: a long soak that fails in its web phase keeps the engine's figures.
        foreach (var figure in engine)
            log.WriteLine($"soak: {figure.Name} {figure.Value:0.###} {figure.Unit}".TrimEnd());
        var web = await new WebSoakPhase(options).RunAsync(log, cancellationToken);
        var peak = ProcessMemory.PeakRssBytes is { } bytes ? bytes / 1048576.0 : double.NaN;
        return new SoakReport(environment, [.. engine, .. web.Figures, new BenchFigure("process.peak_rss_mb", peak, "MiB")], web.Load);
    }
}

/// <summary>Every phase's figures, named <c>phase.figure</c> as <c>bench</c> names them, and the web phase's load-test report.</summary>
public sealed record SoakReport(string Environment, IReadOnlyList<BenchFigure> Figures, LoadTestReport Load)
{
    public double this[string name] => Figures.Single(f => f.Name == name).Value;

    /// <summary>
    /// No phase produced a non-finite value or left a tensor to the finaliser, and every web job completed once
    /// (memory and live-count figures are for reading).
    /// </summary>
    public bool Healthy => Load.Passed && Figures
        .Where(f => f.Name.EndsWith(".non_finite", StringComparison.Ordinal) || f.Name.EndsWith(".finalised_tensors", StringComparison.Ordinal))
        .All(f => f.Value == 0);

    public void Print(TextWriter output)
    {
        output.WriteLine($"# soak: {Environment}");
        foreach (var figure in Figures)
            output.WriteLine($"soak.{figure.Name,-32} {figure.Value,12:0.###} {figure.Unit,-4} {figure.Note}".TrimEnd());
        output.WriteLine("## web phase load test");
        Load.Print(output);
        output.WriteLine(Healthy ? "SOAK HEALTHY" : "SOAK UNHEALTHY");
    }
}
