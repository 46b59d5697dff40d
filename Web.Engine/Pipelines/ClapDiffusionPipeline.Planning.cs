using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Schedulers;

namespace Clap2Diffusion.Engine.Pipelines;

public sealed partial class ClapDiffusionPipeline
{
    /// <summary>What this model accepts; the server narrows it further by its own caps.</summary>
    public GenerationLimits Limits => GenerationLimits.Engine(VaeScaleFactor);

    /// <summary>
    /// This model's own settings: <c>clap2diffusion.json</c>'s steps, scheduler and guidance, the UNet's native size.
    /// A request starts from these and changes what the person chose.
    /// </summary>
    public GenerationSettings Defaults => new()
    {
        Steps = Settings.DefaultSteps,
        Scheduler = Settings.DefaultScheduler ?? SchedulerFactory.NameOf(schedulerConfig),
        TextGuidance = Settings.TextScale,
        AudioGuidance = Settings.AudioScale,
        Width = DefaultSize,
        Height = DefaultSize,
    };

    private GenerationPlan Plan(GenerationRequest request)
    {
        var settings = request.Settings;
        var edit = request.InitImage is not null;
        // An edit is checked as one even when its picture has no name (the strength must leave steps to run).
        var problems = Limits.Check(settings with { InitImage = edit ? settings.InitImage ?? "" : null }, SchedulerFactory.Names, [.. request.LoraFiles.Keys]).ToList();
        foreach (var lora in settings.Loras ?? [])
            if (request.LoraFiles.TryGetValue(lora.Name, out var file) && !File.Exists(file))
                problems.Add($"LoRA file not found: {file}.");
        if (settings.InitImage is not null && !edit)
            problems.Add($"The edit names the image '{settings.InitImage}' but its pixels were not given.");
        if (request.Audio is not null && !HearsAudio)
            problems.Add(clap is null
                ? "This model has no CLAP encoder loaded, so it cannot hear audio; give a CLAP folder."
                : "This model has no audio adapters loaded; give an adapter folder.");
        if (problems.Count > 0)
            throw new InputException(string.Join(" ", problems));

        // A missing seed is drawn in 0..2^32-1 and reported, so any image can be made again.
        settings = settings with { Seed = settings.Seed ?? Random.Shared.NextInt64(0, GenerationLimits.MaxSeed + 1) };
        // The model's own scheduler is built from its folder's class, exactly as the folder configures it.
        var schedulerName = Settings.DefaultScheduler is null && settings.Scheduler == SchedulerFactory.NameOf(schedulerConfig)
            ? null
            : settings.Scheduler;
        var parameters = new GenerationParameters
        {
            Prompt = settings.Prompt,
            NegativePrompt = settings.NegativePrompt,
            Steps = settings.Steps,
            Seed = settings.Seed.Value,
            Width = settings.Width,
            Height = settings.Height,
            Scheduler = schedulerName ?? schedulerConfig.ClassName ?? "default",
            TextScale = settings.TextGuidance,
            InitImageStrength = edit ? settings.Strength : null,
            InitImage = edit ? settings.InitImage : null,
            Model = Info.ModelName,
            ModelHash = Info.ModelHash,
        };
        return new GenerationPlan(settings, schedulerName, parameters);
    }
}
