using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Web.Engine;

[Collection(SmokeEngineCollection.Name)]
public sealed class EngineEvaluationBackendTests(SmokeEngine engine)
{
    [Fact]
    public void An_evaluation_writes_the_engines_report_and_reports_its_headline_numbers()
    {
        using var report = new TempFolder("evaluation");
        var reporter = new RecordingReporter();
        var work = new EvaluationWork(Guid.NewGuid(), new EvaluationRunSettings { DatasetFolder = engine.World, Samples = 2, Steps = 1, Seed = 3 },
            report.Path);

        var outcome = engine.Evaluation(engine.Models()).Run(work, reporter, CancellationToken.None);

        Assert.Equal(report.Path, outcome.ReportFolder);
        foreach (var file in new[] { ReportWriter.ReportFile, ReportWriter.SummaryFile, ReportWriter.GridFile, "metrics.jsonl" })
            Assert.True(File.Exists(Path.Combine(report.Path, file)), file);
        Assert.True(Directory.Exists(Path.Combine(report.Path, "charts")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(report.Path, "images"), "*.png", SearchOption.AllDirectories));
        Assert.Contains("split test", File.ReadAllText(Path.Combine(report.Path, ReportWriter.SummaryFile)));
        var record = Assert.Single(reporter.Records);
        Assert.Equal(MetricRecord.EvaluationKind, record.Kind);
        Assert.Equal(work.RunId.ToString("N"), record.Run);
        Assert.Equal((2L, 2L), reporter.Progresses[^1]);
        Assert.Contains("all/audio/seconds", outcome.Summary.Keys);
        Assert.All(outcome.Summary, kv => Assert.Equal(record.Values[kv.Key], kv.Value));
        Assert.All(outcome.Summary.Keys, key => Assert.True(key.StartsWith("all/audio", StringComparison.Ordinal) || key.StartsWith("distance/", StringComparison.Ordinal), key));
    }

    [Fact]
    public void A_demo_world_evaluation_runs_the_worlds_cases_as_evaluate_world_demo_does_scored_by_the_models_classifier()
    {
        using var report = new TempFolder("evaluation-demo-world");
        var reporter = new RecordingReporter();
        var settings = new EvaluationRunSettings { DemoWorld = true, Samples = 6, Steps = 1, Seed = 3 };
        var work = new EvaluationWork(Guid.NewGuid(), settings, report.Path);

        var source = EngineEvaluationBackend.Source(settings);
        engine.Evaluation(engine.Models()).Run(work, reporter, CancellationToken.None);

        Assert.Equal(6, source.Cases.Count);
        Assert.Equal(4, source.Cases.Select(c => c.Relation).Distinct().Count());
        Assert.Equal("demo world, 2 cases per relation, seed 3, limited to 6 cases", source.Description);
        var summary = File.ReadAllText(Path.Combine(report.Path, ReportWriter.SummaryFile));
        Assert.Contains("demo world, 2 cases per relation", summary);
        var record = Assert.Single(reporter.Records);
        Assert.Contains(record.Values.Keys, key => key.Contains("accuracy", StringComparison.Ordinal));
        Assert.Equal((6L, 6L), reporter.Progresses[^1]);
    }

    [Fact]
    public void Bad_input_is_an_input_exception_and_cancellation_stops_the_run()
    {
        using var report = new TempFolder("evaluation-refused");
        var backend = engine.Evaluation(engine.Models());
        EvaluationWork Work(EvaluationRunSettings settings) => new(Guid.NewGuid(), settings, report.Path);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var missing = Assert.Throws<InputException>(() =>
            backend.Run(Work(new EvaluationRunSettings { DatasetFolder = Path.Combine(report.Path, "absent") }), new RecordingReporter(), CancellationToken.None));
        var badSteps = Assert.Throws<InputException>(() =>
            backend.Run(Work(new EvaluationRunSettings { DatasetFolder = engine.World, Steps = 0 }), new RecordingReporter(), CancellationToken.None));
        Assert.ThrowsAny<OperationCanceledException>(() =>
            backend.Run(Work(new EvaluationRunSettings { DatasetFolder = engine.World, Samples = 1, Steps = 1 }), new RecordingReporter(), cancelled.Token));

        Assert.Contains("does not exist", missing.Message);
        Assert.Contains("Steps", badSteps.Message);
    }
}
