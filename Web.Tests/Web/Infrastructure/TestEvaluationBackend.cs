using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Server.Engine;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>
/// A stand-in for <c>evaluate</c>: a report folder laid out as the engine's report writer lays it out
/// (<c>report.json</c>, <c>summary.md</c>, <c>charts/*.png</c>, <c>grid.png</c>) and summary numbers from the seed.
/// </summary>
public sealed class TestEvaluationBackend : IEvaluationBackend
{
    public EvaluationOutcome Run(EvaluationWork work, IEvaluationReporter reporter, CancellationToken cancellationToken)
    {
        var settings = work.Settings;
        for (var i = 1; i <= settings.Samples; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            reporter.Progress(i, settings.Samples);
        }

        var summary = new Dictionary<string, double>
        {
            ["fid"] = 100 - settings.Seed,
            ["clip_score"] = 0.25 + settings.Seed / 1000.0,
            ["alignment"] = 0.5,
        };
        reporter.Write(new MetricRecord(work.RunId.ToString("N"), MetricRecord.EvaluationKind, settings.Samples, DateTimeOffset.UtcNow, summary));
        Directory.CreateDirectory(work.ReportFolder);
        Directory.CreateDirectory(Path.Combine(work.ReportFolder, "charts"));
        File.WriteAllText(Path.Combine(work.ReportFolder, ReportWriter.ReportFile), "{\"fid\": " + summary["fid"] + "}");
        File.WriteAllText(Path.Combine(work.ReportFolder, ReportWriter.SummaryFile), $"# Evaluation\n\n| metric | value |\n|---|---|\n| fid | {summary["fid"]} |\n");
        File.WriteAllBytes(Path.Combine(work.ReportFolder, "charts", "fid.png"), TinyPng.Solid(8, 10, 10, 200));
        File.WriteAllBytes(Path.Combine(work.ReportFolder, ReportWriter.GridFile), TinyPng.Solid(16, 200, 200, 10));
        return new EvaluationOutcome(work.ReportFolder, summary);
    }
}
