namespace Clap2Diffusion.Client.Contracts;

/// <summary>
/// Everything one generation is asked to do. The studio and the HTTP API speak this record and the job row
/// stores it, so a job repeats exactly from its stored copy (the seed included, see <see cref="Seed"/>). The
/// engine does not know it: the server's generation backend maps it to the engine's own request.
/// </summary>
public sealed record GenerationSettings
{
    public string Prompt { get; init; } = "";

    public string NegativePrompt { get; init; } = "";

    public int Steps { get; init; } = 25;

    public string Scheduler { get; init; } = "ddim";

    /// <summary>Classifier-free guidance scale for the text condition.</summary>
    public double TextGuidance { get; init; } = 7.5;

    /// <summary>Guidance scale for the audio condition (dual guidance); ignored by text-only jobs.</summary>
    public double AudioGuidance { get; init; } = 3.0;

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
    public const double MaxScale = 10.0;
}

/// <summary>Weights of the audio adapters at the UNet's down, middle and up levels.</summary>
public sealed record AudioLevelStrengths(double Down, double Mid, double Up)
{
    public static AudioLevelStrengths Even { get; } = new(1.0, 1.0, 1.0);
}
