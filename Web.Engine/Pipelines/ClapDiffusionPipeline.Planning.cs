using Clap2Diffusion.Engine.Schedulers;

namespace Clap2Diffusion.Engine.Pipelines;

public sealed partial class ClapDiffusionPipeline
{
    public const int MaxSide = 2048;

    /// <summary>Community LoRAs are used between about -2 and 2; far beyond that the image is noise.</summary>
    public const double MaxLoraScale = 10;

    private GenerationPlan Plan(GenerationRequest request)
    {
        if (request.Prompt is null || request.Prompt.Length > MaxPromptCharacters)
            throw new InputException($"the prompt must be given and at most {MaxPromptCharacters} characters long");
        if (request.NegativePrompt.Length > MaxPromptCharacters)
            throw new InputException($"the negative prompt must be at most {MaxPromptCharacters} characters long");
        var steps = request.Steps ?? Settings.DefaultSteps;
        if (steps is < 1 or > 1000)
            throw new InputException($"steps must lie in 1..1000, not {steps}");
        var (width, height) = (request.Width ?? request.Height ?? DefaultSize, request.Height ?? request.Width ?? DefaultSize);
        foreach (var (dimension, side) in new[] { ("width", width), ("height", height) })
            if (side < VaeScaleFactor || side > MaxSide || side % VaeScaleFactor != 0)
                throw new InputException($"{dimension} {side} must be a multiple of {VaeScaleFactor} between {VaeScaleFactor} and {MaxSide}");
        var textScale = request.TextScale ?? Settings.TextScale;
        var audioScale = request.AudioScale ?? Settings.AudioScale;
        if (textScale is < 0 or > 50 || double.IsNaN(textScale))
            throw new InputException($"text guidance must lie in [0, 50], not {textScale}");
        if (audioScale is < 0 or > 50 || double.IsNaN(audioScale))
            throw new InputException($"audio guidance must lie in [0, 50], not {audioScale}");
        request.AudioStrength.Validate();
        if (request.Audio is not null && !HearsAudio)
            throw new InputException(clap is null
                ? "this model has no CLAP encoder loaded, so it cannot hear audio; give a CLAP folder"
                : "this model has no audio adapters loaded; give an adapter folder");
        if (request.InitImage is { } init && (init.Strength is <= 0 or > 1 || double.IsNaN(init.Strength)))
            throw new InputException($"img2img strength must lie in (0, 1], not {init.Strength}");
        foreach (var lora in request.Loras)
        {
            if (!double.IsFinite(lora.Scale) || Math.Abs(lora.Scale) > MaxLoraScale)
                throw new InputException($"LoRA scale for {lora.Path} must lie in [-{MaxLoraScale}, {MaxLoraScale}], not {lora.Scale}");
            if (!File.Exists(lora.Path))
                throw new InputException($"LoRA file not found: {lora.Path}");
        }
        if (request.Scheduler is { } name && !SchedulerFactory.Names.Contains(name))
            throw new InputException($"unknown scheduler '{name}'; choose one of {string.Join(", ", SchedulerFactory.Names)}");

        // A missing seed is drawn in 0..2^32-1 and reported, so any image can be made again.
        var seed = request.Seed ?? Random.Shared.NextInt64(0, 1L << 32);
        if (seed < 0)
            throw new InputException($"the seed must be 0 or more, not {seed}");
        var schedulerName = request.Scheduler ?? Settings.DefaultScheduler;
        var parameters = new GenerationParameters
        {
            Prompt = request.Prompt,
            NegativePrompt = request.NegativePrompt,
            Steps = steps,
            Seed = seed,
            Width = width,
            Height = height,
            Scheduler = schedulerName ?? schedulerConfig.ClassName ?? "default",
            TextScale = textScale,
            InitImageStrength = request.InitImage?.Strength,
            InitImage = request.InitImage?.Name,
            Model = Info.ModelName,
            ModelHash = Info.ModelHash,
        };
        return new GenerationPlan(request.Prompt, request.NegativePrompt, steps, seed, width, height, schedulerName,
            textScale, audioScale, request.InitImage, parameters);
    }
}
