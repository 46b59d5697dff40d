namespace Clap2Diffusion.Engine.Generation;

/// <summary>
/// What a generation may ask for, and the one place that says why a request cannot run: the engine checks every
/// request with it, the server with the engine's limits narrowed by its own caps, and the studio shows the same
/// bounds. Messages are written for people and name the bound, so the engine, the API and the studio refuse a value
/// with the same words.
/// </summary>
public sealed record GenerationLimits(int MaxSteps, int MinSide, int MaxSide, int SideMultiple, int MaxPromptLength)
{
    /// <summary>Beyond 150 steps no sampler the engine offers changes the image visibly (A1111 stops there too).</summary>
    public const int MostSteps = 150;

    /// <summary>Guidance above 30 saturates colours and burns the image on every scheduler.</summary>
    public const double MaxGuidance = 30.0;

    /// <summary>The adapters' weight, globally and per level: 1 is as trained, 3 exaggerates strongly.</summary>
    public const double MaxStrength = 3.0;

    public const long MaxSeed = uint.MaxValue;

    /// <summary>The largest side the engine draws; a UNet of SD 1.5's kind holds together up to about 2048 pixels.</summary>
    public const int LargestSide = 2048;

    /// <summary>CLIP reads 77 tokens; 1,000 characters is several times that, enough for any prompt meant to be read.</summary>
    public const int LongestPrompt = 1000;

    /// <summary>The engine's own limits for a model whose images are multiples of <paramref name="sideMultiple"/> pixels.</summary>
    public static GenerationLimits Engine(int sideMultiple) =>
        new(MaxSteps: MostSteps, MinSide: sideMultiple, MaxSide: LargestSide, SideMultiple: sideMultiple, MaxPromptLength: LongestPrompt);

    /// <summary>The engine's limits for SD 1.5 (a VAE factor of 8); the server narrows them by its caps.</summary>
    public static GenerationLimits Default { get; } = Engine(8) with { MaxSide = 1024 };

    /// <summary>Every reason the settings cannot run here, in words a person can act on; empty when they can.</summary>
    /// <param name="schedulers">The scheduler names on offer.</param>
    /// <param name="loras">The LoRA files on offer; a job may only name these.</param>
    public IReadOnlyList<string> Check(GenerationSettings settings, IReadOnlyCollection<string> schedulers, IReadOnlyCollection<string>? loras = null)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(settings.Prompt))
            problems.Add("Write a prompt: the text says what the image shows.");
        if (settings.Prompt?.Length > MaxPromptLength)
            problems.Add($"The prompt is {settings.Prompt.Length} characters long; at most {MaxPromptLength} are accepted.");
        if (settings.NegativePrompt?.Length > MaxPromptLength)
            problems.Add($"The negative prompt is {settings.NegativePrompt.Length} characters long; at most {MaxPromptLength} are accepted.");
        if (settings.Steps < 1 || settings.Steps > MaxSteps)
            problems.Add($"Steps must be between 1 and {MaxSteps}, not {settings.Steps}.");
        if (!schedulers.Contains(settings.Scheduler, StringComparer.OrdinalIgnoreCase))
            problems.Add($"Scheduler '{settings.Scheduler}' is not one of {string.Join(", ", schedulers)}.");
        CheckSide("Width", settings.Width, problems);
        CheckSide("Height", settings.Height, problems);
        CheckRange("Text guidance", settings.TextGuidance, MaxGuidance, problems);
        CheckRange("Audio guidance", settings.AudioGuidance, MaxGuidance, problems);
        CheckRange("Audio strength", settings.AudioStrength, MaxStrength, problems);
        CheckRange("Audio strength (down)", settings.AudioLevels.Down, MaxStrength, problems);
        CheckRange("Audio strength (mid)", settings.AudioLevels.Mid, MaxStrength, problems);
        CheckRange("Audio strength (up)", settings.AudioLevels.Up, MaxStrength, problems);
        foreach (var lora in settings.Loras ?? [])
        {
            if (!(loras ?? []).Contains(lora.Name, StringComparer.Ordinal))
                problems.Add($"LoRA '{lora.Name}' is not one of the LoRA files on offer ({(loras is { Count: > 0 } ? string.Join(", ", loras) : "there are none")}).");
            if (!double.IsFinite(lora.Scale) || Math.Abs(lora.Scale) > LoraChoice.MaxScale)
                problems.Add($"The scale of LoRA '{lora.Name}' must lie between -{LoraChoice.MaxScale} and {LoraChoice.MaxScale}, not {lora.Scale}.");
        }
        if (settings.InitImage is not null && EditStrength.Problem(settings.Strength) is { } strength)
            problems.Add(strength);
        else if (settings.InitImage is not null && Math.Round(settings.Steps * settings.Strength) < 1)
            problems.Add($"At strength {settings.Strength} an edit of {settings.Steps} steps would run none; raise the strength or the steps.");
        if (settings.Seed is < 0 or > MaxSeed)
            problems.Add($"The seed must be between 0 and {MaxSeed}, not {settings.Seed}.");
        return problems;
    }

    private void CheckSide(string name, int value, List<string> problems)
    {
        if (value < MinSide || value > MaxSide || value % SideMultiple != 0)
            problems.Add($"{name} must be a multiple of {SideMultiple} between {MinSide} and {MaxSide} pixels, not {value}.");
    }

    private static void CheckRange(string name, double value, double max, List<string> problems)
    {
        if (!double.IsFinite(value) || value < 0 || value > max)
            problems.Add($"{name} must be between 0 and {max}, not {value}.");
    }
}
