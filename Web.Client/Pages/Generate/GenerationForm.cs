using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Client.Pages.Generate;

public enum SeedMode
{
    /// <summary>A new random seed for every job.</summary>
    Random,
    /// <summary>The seed of the last finished job.</summary>
    Reuse,
    /// <summary>The seed typed in.</summary>
    Fixed,
}

/// <summary>The studio's editable copy of <see cref="GenerationSettings"/> (form fields need setters).</summary>
public sealed class GenerationForm
{
    public string Prompt { get; set; } = "";
    public string NegativePrompt { get; set; } = "";
    public int Steps { get; set; }
    public string Scheduler { get; set; } = "";
    public double TextGuidance { get; set; }
    public double AudioGuidance { get; set; }
    public double AudioStrength { get; set; }
    public double AudioDown { get; set; }
    public double AudioMid { get; set; }
    public double AudioUp { get; set; }
    public SeedMode SeedMode { get; set; }
    public long FixedSeed { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }

    /// <summary>LoRA files chosen from the server's library, all applied at <see cref="LoraScale"/>.</summary>
    public IReadOnlyCollection<string> Loras { get; set; } = [];
    public double LoraScale { get; set; } = 1.0;

    public static GenerationForm From(GenerationSettings settings) => new()
    {
        Prompt = settings.Prompt,
        NegativePrompt = settings.NegativePrompt,
        Steps = settings.Steps,
        Scheduler = settings.Scheduler,
        TextGuidance = settings.TextGuidance,
        AudioGuidance = settings.AudioGuidance,
        AudioStrength = settings.AudioStrength,
        AudioDown = settings.AudioLevels.Down,
        AudioMid = settings.AudioLevels.Mid,
        AudioUp = settings.AudioLevels.Up,
        SeedMode = settings.Seed is null ? SeedMode.Random : SeedMode.Fixed,
        FixedSeed = settings.Seed ?? 0,
        Width = settings.Width,
        Height = settings.Height,
        Loras = settings.Loras?.Select(l => l.Name).ToList() ?? [],
        LoraScale = settings.Loras is { Count: > 0 } loras ? loras[0].Scale : 1.0,
    };

    /// <summary>The settings to submit; <paramref name="lastSeed"/> serves <see cref="SeedMode.Reuse"/>.</summary>
    public GenerationSettings ToSettings(long? lastSeed) => new()
    {
        Prompt = Prompt.Trim(),
        NegativePrompt = NegativePrompt.Trim(),
        Steps = Steps,
        Scheduler = Scheduler,
        TextGuidance = TextGuidance,
        AudioGuidance = AudioGuidance,
        AudioStrength = AudioStrength,
        AudioLevels = new AudioLevelStrengths(AudioDown, AudioMid, AudioUp),
        Seed = SeedMode switch
        {
            SeedMode.Fixed => FixedSeed,
            SeedMode.Reuse => lastSeed,
            _ => null,
        },
        Width = Width,
        Height = Height,
        Loras = Loras.Any() ? Loras.Select(name => new LoraChoice(name, LoraScale)).ToList() : null,
    };
}
