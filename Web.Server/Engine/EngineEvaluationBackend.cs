using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training.Metrics;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// <see cref="IEvaluationBackend"/> over the engine's <see cref="EvaluationRun"/>, as the command line's
/// <c>evaluate --dataset</c> runs it: every case of the dataset's test split (else val, else train) under every
/// variant, or as <c>evaluate --world demo</c> runs it, on the demo world's cases scored by the model's classifier, through the pipeline of the active models with the chosen adapters. The report folder is the
/// engine's (<c>report.json</c>, <c>summary.md</c>, <c>charts/</c>, <c>grid.png</c>, the images, <c>metrics.jsonl</c>).
/// </summary>
public sealed class EngineEvaluationBackend(IOptions<EngineModelOptions> engine, IOptions<EvaluationOptions> evaluation,
    IOptions<CompositionOptions> composition, ActiveModels models)
    : IEvaluationBackend
{
    public EvaluationOutcome Run(EvaluationWork work, IEvaluationReporter reporter, CancellationToken cancellationToken)
    {
        var settings = work.Settings;
        var problems = settings.Problems();
        if (problems.Count > 0)
            throw new InputException(string.Join(" ", problems));
        var folders = models.Current;
        var adapters = settings.AdapterFolder is { Length: > 0 } chosen ? AdapterSets.Resolve(chosen) : folders.Adapters;
        if (adapters is null)
            throw new InputException("There are no adapters to evaluate: choose an adapter set, or activate one.");
        var source = Source(settings);
        var options = engine.Value;
        var target = ComputeTarget.Resolve(new DeviceSettings { Device = options.Device, Threads = options.Threads });
        var classifier = Path.Combine(folders.Model, EvaluationWorlds.BuiltIn.ClassifierFolderName);
        if (settings.DemoWorld && !Directory.Exists(classifier))
            throw new InputException($"The demo world is scored by the demo classifier, and the active base model ({folders.Model}) has none.");
        using var measures = EvaluationMeasures.Load(Directory.Exists(classifier) ? classifier : null, NullIfEmpty(evaluation.Value.ClipFolder),
            NullIfEmpty(evaluation.Value.FidWeights), target);
        using var generator = new PipelinePairGenerator(ClapDiffusionPipeline.Load(new PipelineOptions(folders.Model, folders.Clap, adapters, target,
            Composition: composition.Value.Strategy)),
            settings.Steps);
        var step = AdapterFolder.ReadMetadata(adapters).TrainingStep ?? 0;
        var runSettings = new EvaluationSettings(work.ReportFolder) { RunName = work.RunId.ToString("N"), Seed = settings.Seed, Step = step };
        using var jsonl = new JsonlMetricSink(Path.Combine(work.ReportFolder, "metrics.jsonl"));
        var report = new EvaluationRun(source, generator, measures, runSettings, new CompositeMetricSink(jsonl, reporter))
            .Execute(new CaseProgress(reporter, source.Cases.Count), cancellationToken);
        return new EvaluationOutcome(work.ReportFolder, Headline(EvaluationMetrics.Record(report, step).Values));
    }

    /// <summary>
    /// The numbers charted across runs: means over all cases with the audio, the audio's gain over text alone,
    /// and the distances of the audio and text-only images. The full set is in the report and the metric record.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Headline(IReadOnlyDictionary<string, double> values) =>
        values.Where(kv => double.IsFinite(kv.Value) && IsHeadline(kv.Key)).ToDictionary(StringComparer.Ordinal);

    private static bool IsHeadline(string name) =>
        name.StartsWith("all/audio/", StringComparison.Ordinal)
        || (name.StartsWith("all/audio-text_only/", StringComparison.Ordinal) && !name.EndsWith("/seconds", StringComparison.Ordinal))
        || name.StartsWith("distance/audio/", StringComparison.Ordinal)
        || name.StartsWith("distance/text_only/", StringComparison.Ordinal);

    /// <summary>The cases, as every engine makes them (<see cref="EvaluationSources"/>).</summary>
    public static IEvaluationSource Source(EvaluationRunSettings settings) =>
        EvaluationSources.For(settings.DemoWorld, settings.DatasetFolder, settings.Samples, settings.Seed);

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Images done, told to the reporter as cases done (every case has the same number of variants).</summary>
    private sealed class CaseProgress(IEvaluationReporter reporter, int cases) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value)
        {
            if (value.Stage == "generating" && value.Total > 0 && cases > 0)
                reporter.Progress(value.Done / (value.Total / cases), cases);
        }
    }
}
