using System.Diagnostics;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Serving;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// The studio's engine: the diffusion pipeline with CLAP and the V4 adapters of <see cref="ActiveModels"/>, loaded
/// on the engine thread and kept until the active models change; then the old pipeline is released before the
/// new one loads. Estimates come from <see cref="RunTimeModel"/>, which every finished job teaches.
/// </summary>
public sealed class EngineGenerationBackend(IOptions<EngineModelOptions> options, IOptions<SafetyOptions> safety, IOptions<CompositionOptions> composition,
    ActiveModels models, Models.LoraLibrary loras, RunTimeModel runTime, ILogger<EngineGenerationBackend> logger)
    : IGenerationBackend, IDisposable
{
    private ClapDiffusionPipeline? pipeline;
    private ModelFolders? loaded;

    public EngineInfo Describe()
    {
        var engine = Pipeline();
        var info = engine.Info;
        logger.LogInformation("Engine ready: {Model} ({Hash}) on {Device}; audio {Audio}; safety checker {Safety}", info.ModelFolder, info.ModelHash,
            info.Device, engine.HearsAudio, engine.Safety.Name());
        return EngineInfos.From(EngineDescription.Of(engine));
    }

    public TimeSpan Estimate(GenerationSettings settings, JobKind kind) => runTime.Estimate(settings, kind);

    public GenerationOutcome Run(GenerationWork work, Action<StepProgress> onStep, CancellationToken cancellationToken)
    {
        var engine = Pipeline();
        var clock = Stopwatch.StartNew();
        var settings = work.Settings;
        Clap2Diffusion.Engine.Audio.AudioClip? audio = null;
        if (work.Kind == JobKind.Pair)
            audio = AudioDecoder.DecodeFile(work.AudioPath ?? throw new InputException("a pair needs an audio clip"));
        // Both images of a pair start from this one image, noised with the same seed, so they are edits of the same input.
        var initImage = work.InitImagePath is { } imagePath ? EditImage.Load(imagePath) : null;
        var loraFiles = (settings.Loras ?? []).DistinctBy(l => l.Name).ToDictionary(l => l.Name,
            l => loras.Resolve(l.Name) ?? throw new InputException($"LoRA '{l.Name}' is no longer in the LoRA library"));
        var inputs = new JobInputs(settings, audio, work.AudioPath is { } path ? Path.GetFileName(path) : null, initImage, loraFiles, clock.Elapsed);

        var steps = 0;
        var outcome = JobExecution.Run(engine, inputs, step =>
        {
            steps = step.TotalSteps;
            onStep(step);
        }, cancellationToken);
        runTime.Learn(settings, steps, clock.Elapsed - inputs.Read);
        return outcome;
    }

    /// <summary>The pipeline of the active models, loading it when they changed since the last load.</summary>
    private ClapDiffusionPipeline Pipeline()
    {
        var wanted = models.Current;
        if (pipeline is not null && loaded == wanted)
            return pipeline;
        // One pipeline in memory at a time: the old one goes before the new one loads.
        pipeline?.Dispose();
        (pipeline, loaded) = (null, null);
        var settings = options.Value;
        var target = ComputeTarget.Resolve(new DeviceSettings { Device = settings.Device, Threads = settings.Threads });
        pipeline = ClapDiffusionPipeline.Load(new PipelineOptions(wanted.Model, wanted.Clap, wanted.Adapters, target, safety.Value.Requested,
            composition.Value.Strategy));
        loaded = wanted;
        return pipeline;
    }

    public void Dispose() => pipeline?.Dispose();
}
