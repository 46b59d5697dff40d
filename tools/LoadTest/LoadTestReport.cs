namespace Clap2Diffusion.LoadTest;

public sealed record LoadTestReport(
    int Expected,
    int Submitted,
    int Completed,
    IReadOnlyDictionary<string, int> EndStates,
    int DuplicateIds,
    int GalleryCount,
    Figures SubmitLatency,
    Figures QueueWait,
    Figures RunTime,
    Figures IdlePageLatency,
    Figures LoadedPageLatency,
    int PageErrors,
    TimeSpan Wall,
    IReadOnlyList<string> Problems)
{
    public bool Passed => Problems.Count == 0;

    /// <summary>Jobs that did not complete: accepted and failed, cancelled, never finished, or never accepted.</summary>
    public int Lost => Expected - Completed;

    /// <summary>Queue wait plus run time, from acceptance to the finished images.</summary>
    public Figures JobLatency { get; init; } = Figures.Of([]);

    /// <summary>Finished jobs by the engine that ran them (a worker's name, or "inprocess").</summary>
    public IReadOnlyDictionary<string, int> JobsPerWorker { get; init; } = new Dictionary<string, int>();

    /// <summary>Jobs that needed a second attempt (a worker lost its lease); each still completes once.</summary>
    public int Retried { get; init; }

    public double JobsPerMinute => Completed / Math.Max(Wall.TotalMinutes, 1e-9);

    public void Print(TextWriter output)
    {
        output.WriteLine($"jobs: {Expected} expected, {Submitted} accepted, {Completed} completed; end states: " +
                         string.Join(", ", EndStates.Select(s => $"{s.Key} {s.Value}")));
        output.WriteLine($"lost: {Lost}; duplicated job ids: {DuplicateIds}; gallery rows for this run: {GalleryCount}");
        output.WriteLine($"ran on: {string.Join(", ", JobsPerWorker.Select(w => $"{w.Key} {w.Value}"))}; jobs retried: {Retried}");
        output.WriteLine($"submit latency: {SubmitLatency}");
        output.WriteLine($"queue wait: {QueueWait}");
        output.WriteLine($"run time: {RunTime}");
        output.WriteLine($"job latency (wait + run): {JobLatency}");
        output.WriteLine($"page latency idle: {IdlePageLatency}");
        output.WriteLine($"page latency under load: {LoadedPageLatency}; page errors {PageErrors}");
        output.WriteLine($"wall time {Wall.TotalSeconds:0.0} s, throughput {JobsPerMinute:0.00} jobs/min");
        output.WriteLine(Passed ? "PASSED" : $"FAILED: {string.Join(" ", Problems)}");
    }
}
