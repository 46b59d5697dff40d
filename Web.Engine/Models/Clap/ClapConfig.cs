using System.Text.Json;
using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// transformers' <c>ClapConfig</c>. As in transformers, the top-level <c>projection_dim</c> and
/// <c>projection_hidden_act</c> overwrite those of both sub-configs, whatever the sub-configs say.
/// </summary>
public sealed record ClapConfig
{
    private readonly ClapTextConfig textConfig = new();
    private readonly ClapAudioConfig audioConfig = new();

    [JsonPropertyName("text_config")]
    public ClapTextConfig TextConfig
    {
        get => textConfig with { ProjectionDim = ProjectionDim, ProjectionHiddenAct = ProjectionHiddenAct };
        init => textConfig = value ?? new ClapTextConfig();
    }

    [JsonPropertyName("audio_config")]
    public ClapAudioConfig AudioConfig
    {
        get => audioConfig with { ProjectionDim = ProjectionDim, ProjectionHiddenAct = ProjectionHiddenAct };
        init => audioConfig = value ?? new ClapAudioConfig();
    }

    [JsonPropertyName("projection_dim")] public int ProjectionDim { get; init; } = 512;
    [JsonPropertyName("projection_hidden_act")] public string ProjectionHiddenAct { get; init; } = "relu";

    /// <summary>Only the initial value of both logit scales (their log); checkpoints carry the trained ones.</summary>
    [JsonPropertyName("logit_scale_init_value")] public double LogitScaleInitValue { get; init; } = 1 / 0.07;

    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "clap";

    /// <summary>
    /// <c>laion/clap-htsat-unfused</c> (spec §5.1): HTSAT-tiny audio, RoBERTa-base text, 512-d projections.
    /// These equal the class defaults; spelled out so the published model does not move if a default does.
    /// </summary>
    public static ClapConfig HtsatUnfused { get; } = new()
    {
        ProjectionDim = 512,
        ProjectionHiddenAct = "relu",
        TextConfig = new ClapTextConfig
        {
            VocabSize = 50265, HiddenSize = 768, NumHiddenLayers = 12, NumAttentionHeads = 12, IntermediateSize = 3072,
            HiddenAct = "gelu", MaxPositionEmbeddings = 514, TypeVocabSize = 1, LayerNormEps = 1e-12, PadTokenId = 1,
        },
        AudioConfig = new ClapAudioConfig
        {
            SpecSize = 256, NumMelBins = 64, WindowSize = 8, PatchSize = [4, 4], PatchStride = [4, 4],
            PatchEmbedsHiddenSize = 96, Depths = [2, 2, 6, 2], NumAttentionHeads = [4, 8, 16, 32], HiddenSize = 768,
            HiddenAct = "gelu", MlpRatio = 4.0, LayerNormEps = 1e-5, QkvBias = true, EnableFusion = false,
        },
    };

    public void Validate(string source)
    {
        if (ProjectionDim < 1)
            throw new InputException($"{source}: projection_dim must be positive, not {ProjectionDim}");
        if (!(LogitScaleInitValue > 0) || double.IsInfinity(LogitScaleInitValue))
            throw new InputException($"{source}: logit_scale_init_value must be a positive number, not {LogitScaleInitValue}");
        TextConfig.Validate(source);
        AudioConfig.Validate(source);
    }

    /// <summary>Reads a full CLAP <c>config.json</c> (model_type <c>clap</c>) and validates it.</summary>
    public static ClapConfig Read(string path)
    {
        var config = Parse(ReadText(path), path);
        config.Validate(path);
        return config;
    }

    public static ClapConfig Parse(string json, string source)
    {
        var modelType = ModelTypeOf(json, source);
        if (modelType is not null && modelType != "clap")
            throw new InputException($"{source}: model_type is '{modelType}', not 'clap' (a full CLAP model config)" +
                (modelType == "clap_audio_model" ? "; load it as ClapAudioModelWithProjection" : ""));
        return ConfigJson.Parse<ClapConfig>(json, source);
    }

    /// <summary>
    /// The audio half of either a full CLAP config (its resolved <c>audio_config</c>) or a
    /// <c>ClapAudioModelWithProjection</c> config (model_type <c>clap_audio_model</c>), validated.
    /// </summary>
    public static ClapAudioConfig ReadAudio(string path)
    {
        var json = ReadText(path);
        var audio = ModelTypeOf(json, path) switch
        {
            "clap_audio_model" => ConfigJson.Parse<ClapAudioConfig>(json, path),
            null or "clap" => ConfigJson.Parse<ClapConfig>(json, path).AudioConfig,
            var other => throw new InputException($"{path}: model_type '{other}' is neither 'clap' nor 'clap_audio_model'"),
        };
        audio.Validate(path);
        return audio;
    }

    internal static bool IsFullModel(string path) => ModelTypeOf(ReadText(path), path) is null or "clap";

    private static string ReadText(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new InputException($"config file not found: {path}");

    private static string? ModelTypeOf(string json, string source)
    {
        using var document = ConfigJson.ParseDocument(json, source);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new InputException($"{source}: a config must be a JSON object");
        return document.RootElement.TryGetProperty("model_type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;
    }
}
