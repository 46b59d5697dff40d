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

    public void Print(TextWriter output)
    {
        output.WriteLine($"jobs: {Expected} expected, {Submitted} accepted, {Completed} completed; end states: " +
                         string.Join(", ", EndStates.Select(s => $"{s.Key} {s.Value}")));
        output.WriteLine($"duplicated job ids: {DuplicateIds}; gallery rows for this run: {GalleryCount}");
        output.WriteLine($"submit latency: {SubmitLatency}");
        output.WriteLine($"queue wait: {QueueWait}");
        output.WriteLine($"run time: {RunTime}");
        output.WriteLine($"page latency idle: {IdlePageLatency}");
        output.WriteLine($"page latency under load: {LoadedPageLatency}; page errors {PageErrors}");
        output.WriteLine($"wall time {Wall.TotalSeconds:0.0} s, throughput {(Completed / Math.Max(Wall.TotalMinutes, 1e-9)):0.00} jobs/min");
        output.WriteLine(Passed ? "PASSED" : $"FAILED: {string.Join(" ", Problems)}");
    }
}
