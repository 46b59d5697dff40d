using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>transformers' <c>CLIPTextConfig</c> (<c>config.json</c> of a <c>CLIPTextModel</c>, or the <c>text_config</c> of a <c>CLIPConfig</c>), with its defaults.</summary>
public sealed record CLIPTextConfig : ICLIPEncoderConfig
{
    /// <summary>The text tower of openai/clip-vit-large-patch14, which is Stable Diffusion 1.5's <c>text_encoder</c>.</summary>
    public static CLIPTextConfig ClipVitLargePatch14 { get; } = new()
    {
        HiddenSize = 768, IntermediateSize = 3072, NumAttentionHeads = 12, ProjectionDim = 768,
        BosTokenId = 0, EosTokenId = 2,
    };

    /// <summary>The text tower of openai/clip-vit-base-patch32.</summary>
    public static CLIPTextConfig ClipVitBasePatch32 { get; } = new() { BosTokenId = 0, EosTokenId = 2 };

    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 49408;

    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 512;

    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 2048;

    [JsonPropertyName("projection_dim")] public int ProjectionDim { get; init; } = 512;

    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;

    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 8;

    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 77;

    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "quick_gelu";

    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-5;

    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; init; } = 1;

    [JsonPropertyName("bos_token_id")] public int BosTokenId { get; init; } = 49406;

    /// <summary>
    /// 2 in the configs of Stable Diffusion 1.5 and the openai checkpoints, a legacy value that is no real
    /// token id; it selects the argmax-of-ids pooling rule (<see cref="CLIPTextTransformer"/>).
    /// </summary>
    [JsonPropertyName("eos_token_id")] public int EosTokenId { get; init; } = 49407;

    public void Validate(string source)
    {
        CLIPConfigChecks.Encoder(this, source);
        CLIPConfigChecks.Positive(source, ("vocab_size", VocabSize), ("max_position_embeddings", MaxPositionEmbeddings),
            ("projection_dim", ProjectionDim));
    }
}
