using System.Globalization;
using System.Text;
using System.Text.Json;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>A LoRA a generation applied: its file name, the scale, and the SHA-256 of the file.</summary>
public sealed record LoraUse(string Name, double Scale, string Hash);

/// <summary>
/// The settings a generation actually used, after defaults and the composition strategy were applied. Written
/// into every PNG: an A1111-style <c>parameters</c> text (read by common image tools) and a JSON chunk.
/// </summary>
public sealed record GenerationParameters
{
    public required string Prompt { get; init; }
    public string NegativePrompt { get; init; } = "";
    public int Steps { get; init; }
    public long Seed { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public string Scheduler { get; init; } = "";
    public double TextScale { get; init; }
    public double? AudioScale { get; init; }
    public AudioStrength? AudioStrength { get; init; }
    public string? Audio { get; init; }
    public int? AudioCropOffset { get; init; }
    public string? Relation { get; init; }
    public double? InitImageStrength { get; init; }

    /// <summary>The name of the image an edit started from (a file name, or the server's content hash); null when none was named.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? InitImage { get; init; }
    public string Model { get; init; } = "";
    public string ModelHash { get; init; } = "";
    public string? AdaptersHash { get; init; }
    public string? ClapHash { get; init; }
    /// <summary>An <see cref="ImageCondition"/> by its name: "text-only" or "audio".</summary>
    public string Condition { get; init; } = ImageCondition.TextOnly.Name();

    /// <summary>The LoRA files the job applied (both images of a pair); null when none.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<LoraUse>? Loras { get; init; }
    /// <summary>Whether the safety checker ran on this image and what it decided (<see cref="SafetyScreening.Verdict"/>).</summary>
    public string Safety { get; init; } = SafetyScreening.Unchecked;

    public const string JsonKeyword = "clap2diffusion";

    public static string Version => typeof(GenerationParameters).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>A1111's format: prompt, "Negative prompt:", then comma-separated "Key: value" pairs.</summary>
    public string ToA1111()
    {
        var text = new StringBuilder(Prompt);
        if (NegativePrompt.Length > 0)
            text.Append("\nNegative prompt: ").Append(NegativePrompt);
        var pairs = new List<string>
        {
            $"Steps: {Steps}",
            $"Sampler: {Scheduler}",
            $"CFG scale: {Format(TextScale)}",
            $"Seed: {Seed}",
            $"Size: {Width}x{Height}",
            $"Model hash: {Weights.ModelHash.Short(ModelHash)}",
            $"Model: {Model}",
        };
        if (InitImageStrength is { } denoise)
            pairs.Add($"Denoising strength: {Format(denoise)}");
        if (InitImage is not null)
            pairs.Add($"Init image: {Quote(InitImage)}");
        if (Audio is not null)
        {
            pairs.Add($"Audio: {Quote(Audio)}");
            pairs.Add($"Audio CFG scale: {Format(AudioScale ?? 0)}");
            if (AudioStrength is { } s)
                pairs.Add($"Audio strength: {Format(s.Global)} (down {Format(s.Down)}, mid {Format(s.Mid)}, up {Format(s.Up)})");
            if (AudioCropOffset is { } offset)
                pairs.Add($"Audio crop: {offset}");
            if (Relation is not null)
                pairs.Add($"Relation: {Relation}");
            if (AdaptersHash is not null)
                pairs.Add($"Adapters hash: {Weights.ModelHash.Short(AdaptersHash)}");
        }
        if (Loras is { Count: > 0 } loras)
        {
            pairs.Add($"LoRA: {Quote(string.Join(", ", loras.Select(l => $"{l.Name}:{Format(l.Scale)}")))}");
            pairs.Add($"Lora hashes: {Quote(string.Join(", ", loras.Select(l => $"{l.Name}: {Weights.ModelHash.Short(l.Hash)}")))}");
        }
        pairs.Add($"Condition: {Condition}");
        pairs.Add($"Safety checker: {Quote(Safety)}");
        pairs.Add($"Version: Clap2Diffusion {Version}");
        return text.Append('\n').Append(string.Join(", ", pairs)).ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public IReadOnlyList<PngText> PngTexts() => [new PngText("parameters", ToA1111()), new PngText(JsonKeyword, ToJson(), International: true)];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    // A1111 quotes values that contain its separators.
    private static string Quote(string value) =>
        value.Contains(',') || value.Contains(':') || value.Contains('"') || value.Contains('\n')
            ? JsonSerializer.Serialize(value)
            : value;
}
