namespace Clap2Diffusion.Client.Contracts;

/// <summary>What a submission may ask for on this server (the engine's limits, narrowed by the CPU caps).</summary>
public sealed record GenerationLimits(int MaxSteps, int MinSide, int MaxSide, int SideMultiple, int MaxPromptLength)
{
    public const double MaxGuidance = 30.0;

    public const double MaxStrength = 3.0;

    public const long MaxSeed = uint.MaxValue;

    public static GenerationLimits Default { get; } = new(MaxSteps: 150, MinSide: 64, MaxSide: 1024, SideMultiple: 8, MaxPromptLength: 1000);

    /// <summary>Every reason the settings cannot run here, in words a person can act on; empty when they can.</summary>
    /// <param name="loras">The LoRA files the server offers; a job may only name these.</param>
    public IReadOnlyList<string> Check(GenerationSettings settings, IReadOnlyCollection<string> schedulers, IReadOnlyCollection<string>? loras = null)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(settings.Prompt))
            problems.Add("Write a prompt: the text says what the image shows.");
        if (settings.Prompt.Length > MaxPromptLength)
            problems.Add($"The prompt is {settings.Prompt.Length} characters long; at most {MaxPromptLength} are accepted.");
        if (settings.NegativePrompt.Length > MaxPromptLength)
            problems.Add($"The negative prompt is {settings.NegativePrompt.Length} characters long; at most {MaxPromptLength} are accepted.");
        if (settings.Steps < 1 || settings.Steps > MaxSteps)
            problems.Add($"Steps must be between 1 and {MaxSteps} on this server, not {settings.Steps}.");
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
                problems.Add($"LoRA '{lora.Name}' is not one of this server's LoRA files ({(loras is { Count: > 0 } ? string.Join(", ", loras) : "it has none")}).");
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
            problems.Add($"{name} must be a multiple of {SideMultiple} between {MinSide} and {MaxSide} pixels on this server, not {value}.");
    }

    private static void CheckRange(string name, double value, double max, List<string> problems)
    {
        if (!double.IsFinite(value) || value < 0 || value > max)
            problems.Add($"{name} must be between 0 and {max}, not {value}.");
    }
}
