using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// transformers' <c>ClapTextConfig</c>: a RoBERTa-base text encoder and its projection. Defaults are the class
/// defaults; <c>layer_norm_eps</c> is 1e-12 there (and in converted CLAP checkpoints), not roberta-base's 1e-5.
/// </summary>
public sealed record ClapTextConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 50265;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 768;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 12;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3072;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "gelu";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 514;
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; init; } = 1;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-12;
    [JsonPropertyName("projection_dim")] public int ProjectionDim { get; init; } = 512;
    [JsonPropertyName("projection_hidden_act")] public string ProjectionHiddenAct { get; init; } = "relu";
    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; init; } = 1;
    [JsonPropertyName("bos_token_id")] public int BosTokenId { get; init; } = 0;
    [JsonPropertyName("eos_token_id")] public int EosTokenId { get; init; } = 2;
    [JsonPropertyName("position_embedding_type")] public string PositionEmbeddingType { get; init; } = "absolute";
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "clap_text_model";

    /// <summary>Longest token sequence: positions start after the padding index (pad + 1 + length ≤ max).</summary>
    [JsonIgnore] public int MaxSequenceLength => MaxPositionEmbeddings - PadTokenId - 1;

    public void Validate(string source)
    {
        void Fail(string message) => throw new InputException($"{source}: text_config: {message}");

        if (VocabSize < 1 || HiddenSize < 1 || NumHiddenLayers < 0 || IntermediateSize < 1 || TypeVocabSize < 1)
            Fail("vocab_size, hidden_size, intermediate_size and type_vocab_size must be positive, num_hidden_layers not negative");
        if (NumAttentionHeads < 1 || HiddenSize % NumAttentionHeads != 0)
            Fail($"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        if (PadTokenId < 0 || PadTokenId >= VocabSize)
            Fail($"pad_token_id {PadTokenId} is outside the vocabulary of {VocabSize}");
        if (MaxSequenceLength < 1)
            Fail($"max_position_embeddings {MaxPositionEmbeddings} leaves no position after the padding index {PadTokenId}");
        if (PositionEmbeddingType != "absolute")
            Fail($"position_embedding_type '{PositionEmbeddingType}' is not supported (only 'absolute', as CLAP uses)");
        ClapActivation.Validate(HiddenAct, $"{source}: text_config.hidden_act");
        ClapActivation.Validate(ProjectionHiddenAct, $"{source}: text_config.projection_hidden_act");
    }
}
