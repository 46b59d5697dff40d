using System.Diagnostics;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Schedulers;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// The studio's engine: the diffusion pipeline with CLAP and the V4 adapters of <see cref="ActiveModels"/>, loaded
/// on the engine thread and kept until the active models change; then the old pipeline is released before the
/// new one loads. Estimates come from the time steps actually took, per megapixel, starting from a first measured job.
/// </summary>
public sealed class EngineGenerationBackend(IOptions<EngineModelOptions> options, IOptions<SafetyOptions> safety, IOptions<CompositionOptions> composition,
    ActiveModels models, Models.LoraLibrary loras, ILogger<EngineGenerationBackend> logger)
    : IGenerationBackend, IDisposable
{
    private ClapDiffusionPipeline? pipeline;
    private ModelFolders? loaded;
    private double secondsPerStepPerMegapixel = 1.0;
    // What a job costs beyond its steps (text and audio encoding, decoding, PNG); not learned, it is small beside the steps.
    private const double FixedSeconds = 0.5;

    /// <summary>The one place the engine's description of a loaded pipeline becomes the web's (<see cref="EngineInfo"/>).</summary>
    public EngineInfo Describe()
    {
        var engine = Pipeline();
        var info = engine.Info;
        logger.LogInformation("Engine ready: {Model} ({Hash}) on {Device}; audio {Audio}; safety checker {Safety}", info.ModelFolder, info.ModelHash,
            info.Device, engine.HearsAudio, engine.Safety.Name());
        var defaults = engine.Defaults;
        return new EngineInfo(info.ModelName, info.ModelHash, info.AdaptersHash, info.Device, engine.HearsAudio, info.KnownWords ?? [],
            SafetyCheckerActive: engine.Safety != SafetyMode.Off,
            [defaults.Scheduler, .. SchedulerFactory.Names.Where(n => n != defaults.Scheduler)], defaults,
            // A web server offers at most 1024 pixels a side: larger images take minutes even on a GPU and crowd the queue.
            engine.Limits with { MaxSide = Math.Min(engine.Limits.MaxSide, MaxSideOnline) });
    }

    private const int MaxSideOnline = 1024;

    public TimeSpan Estimate(GenerationSettings settings, JobKind kind)
    {
        var loops = kind == JobKind.Pair ? 2 : 1;
        var megapixels = settings.Width * settings.Height / 1e6;
        return TimeSpan.FromSeconds(FixedSeconds + loops * StepsRun(settings) * secondsPerStepPerMegapixel * Math.Max(megapixels, 0.004));
    }

    // An edit starts part-way down the schedule and runs only the last strength x steps, rounded as the pipeline rounds.
    private static int StepsRun(GenerationSettings settings) =>
        settings.InitImage is null ? settings.Steps : (int)Math.Min(settings.Steps, Math.Round(settings.Steps * settings.Strength));

    public GenerationOutcome Run(GenerationWork work, Action<StepProgress> onStep, CancellationToken cancellationToken)
    {
        var engine = Pipeline();
        var clock = Stopwatch.StartNew();
        var settings = work.Settings;
        AudioInput? audio = null;
        if (work.Kind == JobKind.Pair)
        {
            var path = work.AudioPath ?? throw new InputException("a pair needs an audio clip");
            audio = new AudioInput(AudioDecoder.DecodeFile(path), Path.GetFileName(path));
        }
        // Both images of a pair start from this one image, noised with the same seed, so they are edits of the same input.
        var initImage = work.InitImagePath is { } imagePath ? EditImage.Load(imagePath) : null;
        var decoded = clock.Elapsed;
        var steps = 0;
        var result = engine.Generate(new GenerationRequest
        {
            Settings = settings,
            Audio = audio,
            Pair = audio is not null,
            InitImage = initImage,
            LoraFiles = (settings.Loras ?? []).DistinctBy(l => l.Name).ToDictionary(l => l.Name,
                l => loras.Resolve(l.Name) ?? throw new InputException($"LoRA '{l.Name}' is no longer in the LoRA library")),
        }, step =>
        {
            steps = step.TotalSteps;
            onStep(step);
        }, cancellationToken);

        var elapsed = clock.Elapsed;
        Learn(settings, steps, elapsed - decoded);
        var textOnly = result.TextOnly!;
        var withAudio = result.AudioConditioned;
        return new GenerationOutcome(
            Png(textOnly),
            withAudio is null ? null : Png(withAudio),
            work.Seed,
            result.Relation?.Relation,
            [new StageTiming(initImage is null ? "decode audio" : "decode audio and image", decoded.TotalMilliseconds), new StageTiming("generate", (elapsed - decoded).TotalMilliseconds)])
        {
            TextOnlyFlagged = textOnly.Flagged,
            AudioConditionedFlagged = withAudio?.Flagged ?? false,
        };
    }

    private static byte[] Png(GeneratedImage image) => PngWriter.Encode(image.Image.Width, image.Image.Height, image.Image.Pixels, image.Parameters.PngTexts());

    // An exponential average of measured cost, so estimates follow the machine's real speed.
    private void Learn(GenerationSettings settings, int steps, TimeSpan spent)
    {
        if (steps == 0)
            return;
        var megapixels = Math.Max(settings.Width * settings.Height / 1e6, 0.004);
        var measured = spent.TotalSeconds / steps / megapixels;
        secondsPerStepPerMegapixel = secondsPerStepPerMegapixel == 1.0 ? measured : 0.7 * secondsPerStepPerMegapixel + 0.3 * measured;
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
