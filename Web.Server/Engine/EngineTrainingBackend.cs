using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Layouts;
using Clap2Diffusion.Server.Runs;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// <see cref="ITrainingBackend"/> over the engine's <see cref="AdapterTrainer"/>, the trainer of the command
/// line's <c>train</c>, on the active base model and CLAP unless the settings name others. Stage 2 starts from the
/// stage-1 result the settings name, as the recipe's stage 2 does. Frozen features are cached once for all runs
/// under the runs folder.
/// </summary>
public sealed class EngineTrainingBackend(IOptions<EngineModelOptions> engine, IOptions<RunOptions> runs, RunPaths paths, ActiveModels models)
    : ITrainingBackend
{
    public const string FeatureCacheFolder = "feature-cache";

    public DatasetValidation Validate(TrainingSettings settings)
    {
        var problems = settings.Problems().ToList();
        void Try(Action check)
        {
            try
            {
                check();
            }
            catch (InputException error)
            {
                problems.Add(error.Message);
            }
        }

        ModelFolders? folders = null;
        Try(() => folders = Folders(settings));
        if (folders is not null)
        {
            // The trainer's own checks, worded for the command line: only where the form's checks found nothing.
            if (problems.Count == 0)
                Try(() => EngineSettings(settings, folders, paths.OutputFolder, halfPrecision: false, null).Validate());
            Try(() => problems.AddRange(ModelProblems(settings, folders).ToList()));
        }
        if (string.IsNullOrWhiteSpace(settings.DatasetFolder))
            return new DatasetValidation(0, [], problems);
        var dataset = DatasetInspector.Inspect(settings.DatasetFolder, settings.SampleLimit);
        return dataset with { Problems = [.. problems, .. dataset.Problems] };
    }

    public TrainingRunOutcome Run(TrainingWork work, ITrainingReporter reporter, Func<bool> shouldYield, CancellationToken cancellationToken)
    {
        var problems = work.Settings.Problems();
        if (problems.Count > 0)
            throw new InputException(string.Join(" ", problems));
        var options = engine.Value;
        var target = ComputeTarget.Resolve(new DeviceSettings { Device = options.Device, Threads = options.Threads });
        var settings = EngineSettings(work.Settings, Folders(work.Settings), work.OutputFolder, target.DType == ScalarType.Float16, work.ResumeFrom);
        var bridge = new TrainingReportBridge(reporter);
        // Each call does at least one step, so a run that keeps being asked to yield still advances.
        var outcome = AdapterTrainer.Run(settings, target, bridge, shouldYield: () => bridge.StepsDone > 0 && shouldYield(),
            cancellation: cancellationToken, listener: bridge);
        if (!outcome.FrozenUnchanged)
            throw new InvalidOperationException("a frozen network's weights changed during training");
        if (outcome.Completed)
            return new TrainingRunOutcome(TrainingRunEnd.Completed, outcome.Step);
        if (outcome.Yielded)
            return new TrainingRunOutcome(TrainingRunEnd.Yielded, outcome.Step);
        throw new OperationCanceledException($"Training stopped at step {outcome.Step}; its checkpoint is kept for a resume.", cancellationToken);
    }

    /// <summary>
    /// The engine's settings for a run: the admin's choices, the server's sampling, and where it all goes. With
    /// <paramref name="halfPrecision"/> (CUDA) the frozen networks run in float16 and the loss is scaled.
    /// </summary>
    public AdapterTrainingSettings EngineSettings(TrainingSettings settings, ModelFolders folders, string output, bool halfPrecision, string? resumeFrom) => new()
    {
        Dataset = settings.DatasetFolder,
        Model = folders.Model,
        Clap = folders.Clap,
        AdapterConfig = settings.Preset == AdapterPreset.Compact ? "compact" : "full",
        InitAdapters = settings.Stage == 2 ? settings.StageOneResult : null,
        Stage = settings.Stage,
        Steps = settings.Steps,
        LearningRate = settings.LearningRate,
        BatchSize = settings.BatchSize,
        GradientAccumulation = settings.GradientAccumulation,
        WarmupSteps = settings.WarmupSteps,
        AlignmentWeight = settings.AlignmentLossWeight,
        Seed = settings.Seed,
        LimitSamples = settings.SampleLimit,
        MixedPrecision = halfPrecision ? "fp16" : "no",
        Output = output,
        CheckpointEvery = settings.CheckpointEvery,
        SampleEvery = settings.SamplesEvery,
        SampleSteps = runs.Value.SampleSteps,
        SamplePairs = runs.Value.SamplePairs,
        Cache = Path.Combine(paths.OutputFolder, FeatureCacheFolder),
        ResumeFrom = resumeFrom,
    };

    /// <summary>The models a run trains with: the ones it names, else the active ones.</summary>
    private ModelFolders Folders(TrainingSettings settings) =>
        settings.BaseModelFolder is null && settings.ClapFolder is null
            ? models.Current
            : models.Resolve(new ModelSelection(settings.BaseModelFolder, settings.ClapFolder, models.Current.Adapters));

    private static IEnumerable<string> ModelProblems(TrainingSettings settings, ModelFolders folders)
    {
        if (!DiffusersPipelineFolder.IsPipeline(folders.Model))
            yield return $"No diffusers base model at {folders.Model} ({DiffusersPipelineFolder.IndexFile} is missing).";
        if (folders.Clap is null || !File.Exists(Path.Combine(folders.Clap, "config.json")))
            yield return $"No CLAP model to train with: {folders.Model} has no clap/ folder; choose a CLAP folder.";
        // A missing stage-1 result is the form's own problem (TrainingSettings.Problems); here, whether the one named is one.
        if (settings.Stage != 2 || string.IsNullOrWhiteSpace(settings.StageOneResult))
            yield break;
        var (start, problem) = StageOneStart(settings.StageOneResult);
        if (problem is not null)
        {
            yield return problem;
            yield break;
        }
        if (DiffusersPipelineFolder.IsPipeline(folders.Model))
        {
            var trainedOn = AdapterFolder.ReadMetadata(start!).BaseModelHash;
            var unet = ModelHash.OfFiles(WeightFiles.Locate(Path.Combine(folders.Model, "unet"), WeightFiles.Diffusers));
            if (!string.Equals(trainedOn, unet, StringComparison.OrdinalIgnoreCase))
                yield return $"Stage 2 would start from {start}, which was trained on base model " +
                    $"{ModelHash.Short(trainedOn)}, not on this run's {ModelHash.Short(unet)}.";
        }
    }

    private static (string? Folder, string? Problem) StageOneStart(string named)
    {
        try
        {
            return (StageOneResult.Resolve(named, "Stage-1 result"), null);
        }
        catch (InputException error)
        {
            return (null, error.Message);
        }
    }
}
