using Clap2Diffusion.LoadTest.Stack;

namespace Clap2Diffusion.LoadTest;

/// <summary>One layout's load test: the same users, jobs, steps and seeds as every other layout of the run.</summary>
public sealed record LayoutReport(WorkerLayout Layout, LoadTestReport Report);

/// <summary>
/// <c>--workers</c>: for each layout in turn, a fresh <see cref="LocalStack"/> (its own Redis, database and workers),
/// the ordinary load test against it, and the stack stopped again before the next layout starts, so no layout
/// shares the cores with another's processes.
/// </summary>
public sealed class WorkerLoadTest(LoadTestOptions options, TextWriter log)
{
    public async Task<IReadOnlyList<LayoutReport>> RunAsync(CancellationToken cancellationToken)
    {
        var reports = new List<LayoutReport>();
        foreach (var layout in options.WorkerLayouts)
        {
            log.WriteLine($"starting Redis, the front end and {layout}");
            await using var stack = await LocalStack.StartAsync(layout, options.RedisServerPath, log, cancellationToken);
            using var http = new HttpClient { BaseAddress = stack.Server, Timeout = TimeSpan.FromMinutes(2) };
            var report = await new LoadTestRunner(http, options with { Server = stack.Server }, log).RunAsync(cancellationToken);
            reports.Add(new LayoutReport(layout, report));
            // Said at once, so a long comparison that is cut short still leaves the layouts it finished.
            log.WriteLine($"{layout}: {report.JobsPerMinute:0.00} pairs/min, job latency p50 {report.JobLatency.Median / 1000:0.0} s, " +
                          $"p95 {report.JobLatency.P95 / 1000:0.0} s, lost {report.Lost}");
        }

        return reports;
    }

    /// <summary>Each layout's full report, then one line per layout and each one's throughput against the first.</summary>
    public static void Print(IReadOnlyList<LayoutReport> reports, TextWriter output)
    {
        foreach (var (layout, report) in reports)
        {
            output.WriteLine($"== {layout}");
            report.Print(output);
        }

        output.WriteLine();
        output.WriteLine($"{"layout",-22} {"pairs/min",9} {"latency p50",12} {"p95",9} {"lost",5}  result");
        foreach (var (layout, report) in reports)
            output.WriteLine($"{layout,-22} {report.JobsPerMinute,9:0.00} {report.JobLatency.Median / 1000,10:0.0} s {report.JobLatency.P95 / 1000,7:0.0} s " +
                             $"{report.Lost,5}  {(report.Passed ? "PASSED" : "FAILED")}");
        var first = reports[0];
        foreach (var (layout, report) in reports.Skip(1))
            output.WriteLine($"ratio {layout} / {first.Layout}: {report.JobsPerMinute / Math.Max(first.Report.JobsPerMinute, 1e-9):0.00}");
    }
}
