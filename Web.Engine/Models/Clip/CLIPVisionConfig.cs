using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>transformers' <c>CLIPVisionConfig</c> (the <c>vision_config</c> of a <c>CLIPConfig</c>), with its defaults.</summary>
public sealed record CLIPVisionConfig : ICLIPEncoderConfig
{
    public static CLIPVisionConfig ClipVitLargePatch14 { get; } = new()
    {
        HiddenSize = 1024, IntermediateSize = 4096, NumHiddenLayers = 24, NumAttentionHeads = 16, PatchSize = 14,
        ProjectionDim = 768,
    };

    public static CLIPVisionConfig ClipVitBasePatch32 { get; } = new();

    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 768;

    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3072;

    [JsonPropertyName("projection_dim")] public int ProjectionDim { get; init; } = 512;

    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;

    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 12;

    [JsonPropertyName("num_channels")] public int NumChannels { get; init; } = 3;

    [JsonPropertyName("image_size")] public int ImageSize { get; init; } = 224;

    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 32;

    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "quick_gelu";

    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-5;

    /// <summary>Patches per side; the position table has <c>PatchesPerSide² + 1</c> rows (the class token first).</summary>
    public int PatchesPerSide => ImageSize / PatchSize;

    public void Validate(string source)
    {
        CLIPConfigChecks.Encoder(this, source);
        CLIPConfigChecks.Positive(source, ("num_channels", NumChannels), ("image_size", ImageSize), ("patch_size", PatchSize));
        if (ImageSize % PatchSize != 0)
            throw new InputException($"{source}: image_size {ImageSize} is not a multiple of patch_size {PatchSize}");
    }
}
