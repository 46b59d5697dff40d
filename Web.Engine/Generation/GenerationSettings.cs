using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Generation;

/// <summary>
/// Everything one generation is asked to do: the engine's request carries it (<c>GenerationRequest.Settings</c>),
/// the studio and the HTTP API speak it, and the job row stores it as JSON, so a job repeats exactly from its stored
/// copy (the seed included, see <see cref="Seed"/>). What may be asked is <see cref="GenerationLimits"/>; a model's
/// own defaults are <c>ClapDiffusionPipeline.Defaults</c>, an instance of this record.
/// </summary>
public sealed record GenerationSettings
{
    /// <summary>The defaults of a model folder that names none (<c>clap2diffusion.json</c> may name its own).</summary>
    public const int DefaultSteps = 25;
    public const string DefaultScheduler = "ddim";
    public const double DefaultTextGuidance = 7.5;
    public const double DefaultAudioGuidance = 3.0;

    public string Prompt { get; init; } = "";

    public string NegativePrompt { get; init; } = "";

    public int Steps { get; init; } = DefaultSteps;

    /// <summary>A <c>SchedulerFactory</c> name.</summary>
    public string Scheduler { get; init; } = DefaultScheduler;

    /// <summary>Classifier-free guidance scale for the text condition (s_text).</summary>
    public double TextGuidance { get; init; } = DefaultTextGuidance;

    /// <summary>Guidance scale for the audio condition (dual guidance, s_audio); ignored by text-only jobs.</summary>
    public double AudioGuidance { get; init; } = DefaultAudioGuidance;

    /// <summary>Overall weight of the audio adapters (0 switches them off).</summary>
    public double AudioStrength { get; init; } = 1.0;

    /// <summary>Per-level weights of the audio adapters inside the UNet.</summary>
    public AudioLevelStrengths AudioLevels { get; init; } = AudioLevelStrengths.Even;

    /// <summary>
    /// Null asks the server to draw one; it stores the drawn seed with the job before anything runs, so a job
    /// re-queued after a restart makes the same image.
    /// </summary>
    public long? Seed { get; init; }

    public int Width { get; init; } = 512;

    public int Height { get; init; } = 512;

    /// <summary>
    /// LoRA files applied to this job, by their names in the server's LoRA library (<c>Models:LoraRoots</c>), each with
    /// its scale; null or empty for none.
    /// </summary>
    public IReadOnlyList<LoraChoice>? Loras { get; init; }

    /// <summary>
    /// The image an edit starts from: the content hash of the stored PNG, already cropped to <see cref="Width"/> x
    /// <see cref="Height"/> when it was uploaded or picked from the gallery. Null makes a new image from noise.
    /// </summary>
    public string? InitImage { get; init; }

    /// <summary>How far an edit may move from <see cref="InitImage"/>, in (0, 1]: near 0 keeps it, 1 redraws it. Unused without one.</summary>
    public double Strength { get; init; } = EditStrength.Default;

    /// <summary>The adapters' strengths as the UNet applies them: the global weight times each level's.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public AudioStrength Strengths => new(AudioStrength, AudioLevels.Down, AudioLevels.Mid, AudioLevels.Up);

    /// <summary>Where the image an edit started from is served; null for a new image.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? InitImageUrl => InitImage is null ? null : $"/media/{InitImage}.png";
}

/// <summary>The strength of an edit: how much of the starting image the noise may replace.</summary>
public static class EditStrength
{
    public const double Default = 0.6;

    /// <summary>Why <paramref name="strength"/> cannot be used, in words a person can act on; null when it can.</summary>
    public static string? Problem(double strength) =>
        double.IsFinite(strength) && strength is > 0 and <= 1
            ? null
            : $"Strength must be more than 0 and at most 1 (0 would keep the image unchanged, 1 redraws it), not {strength}.";
}

/// <summary>A LoRA file from the server's library and the scale to apply it at (1 = as trained, 0 = not at all).</summary>
public sealed record LoraChoice(string Name, double Scale = 1.0)
{
    /// <summary>Community LoRAs are used between about -2 and 2; far beyond that the image is noise.</summary>
    public const double MaxScale = 10.0;

    /// <summary>
    /// <c>NAME</c> or <c>NAME:SCALE</c>, as the command line and the HTTP API write it. The scale is what follows the
    /// last colon when it reads as a number, so names and paths with colons still work.
    /// </summary>
    public static LoraChoice Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon > 0 && double.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var scale))
            return new LoraChoice(text[..colon], scale);
        return new LoraChoice(text);
    }
}

/// <summary>Weights of the audio adapters at the UNet's down, middle and up levels.</summary>
public sealed record AudioLevelStrengths(double Down, double Mid, double Up)
{
    public static AudioLevelStrengths Even { get; } = new(1.0, 1.0, 1.0);
}
