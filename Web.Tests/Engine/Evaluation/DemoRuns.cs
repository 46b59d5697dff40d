using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Training.Metrics;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

/// <summary>Keeps the metric records a run writes.</summary>
internal sealed class ListSink : IMetricSink
{
    public List<MetricRecord> Records { get; } = [];

    public void Write(MetricRecord record) => Records.Add(record);
}

/// <summary>A demo-world evaluation through the ground-truth double, read back by the exact oracle.</summary>
internal sealed record DemoRun(EvaluationReport Report, GroundTruthPairGenerator Generator, DemoEvaluationSource Source, ListSink Sink)
{
    public const long Seed = 5;

    public static DemoRun Execute(string folder, int perRelation, GeneratorFaults? faults = null, IReadOnlyList<PairVariant>? variants = null,
        int? limit = null)
    {
        var source = new DemoEvaluationSource(perRelation, Seed, limit);
        var generator = GroundTruthPairGenerator.For(source, faults);
        var sink = new ListSink();
        using var measures = new EvaluationMeasures(new RenderedSceneReader(generator));
        var settings = new EvaluationSettings(folder) { Variants = variants ?? PairVariants.All, Resamples = 300, Seed = Seed, RunName = "test-run" };
        var report = new EvaluationRun(source, generator, measures, settings, sink).Execute();
        return new DemoRun(report, generator, source, sink);
    }

    public CheckResult Check(string id) => Report.Checks.Single(c => c.Id == id);

    public double Mean(string scope, PairVariant variant, string metric) => Report.Group(scope, variant)![metric]!.Mean;
}
