using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>
/// Generation defaults a model folder may carry in <c>clap2diffusion.json</c> (the demo model does); a plain
/// diffusers folder without it gets the values below.
/// </summary>
public sealed record PipelineSettings
{
    public const string FileName = "clap2diffusion.json";

    [JsonPropertyName("default_steps")] public int DefaultSteps { get; init; } = GenerationSettings.DefaultSteps;

    /// <summary>A scheduler name to use instead of the folder's <c>scheduler/</c> class.</summary>
    [JsonPropertyName("default_scheduler")] public string? DefaultScheduler { get; init; }

    [JsonPropertyName("text_scale")] public double TextScale { get; init; } = GenerationSettings.DefaultTextGuidance;
    [JsonPropertyName("audio_scale")] public double AudioScale { get; init; } = GenerationSettings.DefaultAudioGuidance;

    /// <summary>A latent-to-RGB map fitted to this model's VAE, rows = latent channels; SD 1.5's is used when absent.</summary>
    [JsonPropertyName("latent_rgb_factors")] public float[][]? LatentRgbFactors { get; init; }
    [JsonPropertyName("latent_rgb_bias")] public float[]? LatentRgbBias { get; init; }

    /// <summary>For small purpose-built models: the words their text encoder was trained on.</summary>
    [JsonPropertyName("known_words")] public string[]? KnownWords { get; init; }

    public static PipelineSettings Read(string modelFolder)
    {
        var path = Path.Combine(modelFolder, FileName);
        var settings = File.Exists(path) ? ConfigJson.Read<PipelineSettings>(path) : new PipelineSettings();
        if (settings.DefaultSteps is < 1 or > GenerationLimits.MostSteps)
            throw new InputException($"{path}: default_steps must lie in 1..{GenerationLimits.MostSteps}");
        if (!double.IsFinite(settings.TextScale) || settings.TextScale is < 0 or > GenerationLimits.MaxGuidance)
            throw new InputException($"{path}: text_scale must lie in 0..{GenerationLimits.MaxGuidance}");
        if (!double.IsFinite(settings.AudioScale) || settings.AudioScale is < 0 or > GenerationLimits.MaxGuidance)
            throw new InputException($"{path}: audio_scale must lie in 0..{GenerationLimits.MaxGuidance}");
        if (settings.DefaultScheduler is { } scheduler && !Schedulers.SchedulerFactory.Names.Contains(scheduler))
            throw new InputException($"{path}: default_scheduler '{scheduler}' is not one of {string.Join(", ", Schedulers.SchedulerFactory.Names)}");
        if (settings.LatentRgbFactors is { } rows && (rows.Length == 0 || rows.Any(r => r.Length != 3)))
            throw new InputException($"{path}: latent_rgb_factors needs one [r, g, b] row per latent channel");
        return settings;
    }

    public LatentRgbFactors PreviewFactors()
    {
        if (LatentRgbFactors is not { } rows)
            return Pipelines.LatentRgbFactors.ComfyUI;
        var matrix = new float[rows.Length, 3];
        for (var r = 0; r < rows.Length; r++)
            for (var c = 0; c < 3; c++)
                matrix[r, c] = rows[r][c];
        return new LatentRgbFactors("fitted", matrix, LatentPreviewScaling.ComfyUI) { Bias = LatentRgbBias };
    }
}
