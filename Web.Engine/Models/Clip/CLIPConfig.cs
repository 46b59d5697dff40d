using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>transformers' <c>CLIPConfig</c>: both towers' configs and the shared projection width.</summary>
public sealed record CLIPConfig
{
    public static CLIPConfig ClipVitLargePatch14 { get; } = new()
    {
        TextConfig = CLIPTextConfig.ClipVitLargePatch14, VisionConfig = CLIPVisionConfig.ClipVitLargePatch14, ProjectionDim = 768,
    };

    public static CLIPConfig ClipVitBasePatch32 { get; } = new()
    {
        TextConfig = CLIPTextConfig.ClipVitBasePatch32, VisionConfig = CLIPVisionConfig.ClipVitBasePatch32, ProjectionDim = 512,
    };

    [JsonPropertyName("text_config")] public CLIPTextConfig TextConfig { get; init; } = new();

    [JsonPropertyName("vision_config")] public CLIPVisionConfig VisionConfig { get; init; } = new();

    /// <summary>Width of both projections; the model uses this value, not the towers' own <c>projection_dim</c>.</summary>
    [JsonPropertyName("projection_dim")] public int ProjectionDim { get; init; } = 512;

    /// <summary>Initial <c>logit_scale</c>; checkpoints store the trained value.</summary>
    [JsonPropertyName("logit_scale_init_value")] public double LogitScaleInitValue { get; init; } = 2.6592;

    public void Validate(string source)
    {
        TextConfig.Validate(source + " (text_config)");
        VisionConfig.Validate(source + " (vision_config)");
        CLIPConfigChecks.Positive(source, ("projection_dim", ProjectionDim));
    }

    /// <summary>Reads a <c>CLIPConfig</c> <c>config.json</c>.</summary>
    public static CLIPConfig Read(string path)
    {
        var root = ReadObject(path);
        var config = ConfigJson.Parse<CLIPConfig>(root.ToJsonString(), path) with
        {
            TextConfig = Section<CLIPTextConfig>(root, "text_config", path),
            VisionConfig = Section<CLIPVisionConfig>(root, "vision_config", path),
        };
        config.Validate(path);
        return config;
    }

    /// <summary>
    /// Reads the text config from a <c>CLIPTextModel</c> <c>config.json</c>, or the <c>text_config</c> of a full
    /// <c>CLIPConfig</c>, as transformers' <c>CLIPTextConfig.from_pretrained</c> does.
    /// </summary>
    public static CLIPTextConfig ReadText(string path)
    {
        var root = ReadObject(path);
        var config = root.ContainsKey("text_config")
            ? Section<CLIPTextConfig>(root, "text_config", path)
            : ConfigJson.Parse<CLIPTextConfig>(root.ToJsonString(), path);
        config.Validate(path);
        return config;
    }

    // Configs saved by transformers 4.1x also hold "text_config_dict"/"vision_config_dict", whose values win.
    private static T Section<T>(JsonObject root, string name, string path) where T : new()
    {
        var merged = new JsonObject();
        foreach (var key in (ReadOnlySpan<string>)[name, name + "_dict"])
            if (root[key] is JsonObject section)
                foreach (var (field, value) in section)
                    merged[field] = value?.DeepClone();
        return ConfigJson.Parse<T>(merged.ToJsonString(), $"{path} ({name})");
    }

    private static JsonObject ReadObject(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"config file not found: {path}");
        using var document = ConfigJson.ParseDocument(File.ReadAllText(path), path);
        return JsonNode.Parse(document.RootElement.GetRawText()) as JsonObject
            ?? throw new InputException($"{path}: expected a JSON object");
    }
}
