using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// transformers' <c>ClapAudioConfig</c> (the HTSAT Swin encoder and its projection). Defaults are the class
/// defaults, which are HTSAT-tiny as in <c>laion/clap-htsat-unfused</c>.
/// </summary>
public sealed record ClapAudioConfig
{
    [JsonPropertyName("window_size")] public int WindowSize { get; init; } = 8;
    [JsonPropertyName("num_mel_bins")] public int NumMelBins { get; init; } = 64;
    [JsonPropertyName("spec_size")] public int SpecSize { get; init; } = 256;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "gelu";

    [JsonPropertyName("patch_size"), JsonConverter(typeof(ClapIntPairJsonConverter))]
    public IReadOnlyList<int> PatchSize { get; init; } = [4, 4];

    [JsonPropertyName("patch_stride"), JsonConverter(typeof(ClapIntPairJsonConverter))]
    public IReadOnlyList<int> PatchStride { get; init; } = [4, 4];

    /// <summary>Only the projection's input width; the encoder's own width is <see cref="EncoderWidth"/>.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 768;

    [JsonPropertyName("projection_dim")] public int ProjectionDim { get; init; } = 512;
    [JsonPropertyName("projection_hidden_act")] public string ProjectionHiddenAct { get; init; } = "relu";
    [JsonPropertyName("depths")] public IReadOnlyList<int> Depths { get; init; } = [2, 2, 6, 2];
    [JsonPropertyName("num_attention_heads")] public IReadOnlyList<int> NumAttentionHeads { get; init; } = [4, 8, 16, 32];
    [JsonPropertyName("enable_fusion")] public bool EnableFusion { get; init; }
    [JsonPropertyName("fusion_type")] public string? FusionType { get; init; }
    [JsonPropertyName("patch_embed_input_channels")] public int PatchEmbedInputChannels { get; init; } = 1;
    [JsonPropertyName("flatten_patch_embeds")] public bool FlattenPatchEmbeds { get; init; } = true;
    [JsonPropertyName("patch_embeds_hidden_size")] public int PatchEmbedsHiddenSize { get; init; } = 96;
    [JsonPropertyName("enable_patch_layer_norm")] public bool EnablePatchLayerNorm { get; init; } = true;
    [JsonPropertyName("qkv_bias")] public bool QkvBias { get; init; } = true;
    [JsonPropertyName("mlp_ratio")] public double MlpRatio { get; init; } = 4.0;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-5;
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "clap_audio_model";

    /// <summary>How many 256-frame chunks of the spectrogram are stacked into the square image (4).</summary>
    [JsonIgnore] public int FreqRatio => SpecSize / NumMelBins;

    /// <summary>Frames the encoder takes (1024); shorter inputs are stretched to it.</summary>
    [JsonIgnore] public int SpecWidth => SpecSize * FreqRatio;

    /// <summary>Mel bins the encoder takes (64).</summary>
    [JsonIgnore] public int SpecHeight => SpecSize / FreqRatio;

    [JsonIgnore] public int StageCount => Depths.Count;

    /// <summary>Channels after the last stage: <c>patch_embeds_hidden_size · 2^(stages−1)</c>.</summary>
    [JsonIgnore] public int EncoderWidth => PatchEmbedsHiddenSize << (StageCount - 1);

    public int StageWidth(int stage) => PatchEmbedsHiddenSize << stage;

    /// <summary>Token grid (rows, columns) that stage <paramref name="stage"/> works on.</summary>
    public (int Height, int Width) StageResolution(int stage) =>
        ((SpecSize / PatchStride[0]) >> stage, (SpecSize / PatchStride[1]) >> stage);

    public int IntermediateSize(int width) => (int)(MlpRatio * width);

    /// <summary>Refuses configurations the port cannot run, naming the offending fields.</summary>
    public void Validate(string source)
    {
        void Fail(string message) => throw new InputException($"{source}: audio_config: {message}");

        if (EnableFusion)
            Fail("enable_fusion is true; only the unfused HTSAT model (e.g. laion/clap-htsat-unfused) is supported");
        if (Depths.Count == 0 || Depths.Any(d => d < 1))
            Fail($"depths must be a non-empty list of positive ints, not [{string.Join(", ", Depths)}]");
        if (NumAttentionHeads.Count != Depths.Count || NumAttentionHeads.Any(h => h < 1))
            Fail($"num_attention_heads [{string.Join(", ", NumAttentionHeads)}] needs one positive entry per stage ({Depths.Count})");
        if (PatchEmbedsHiddenSize < 1 || Depths.Count > 16)
            Fail($"patch_embeds_hidden_size {PatchEmbedsHiddenSize} with {Depths.Count} stages is not a usable width");
        if (EncoderWidth != HiddenSize)
            Fail($"the encoder width patch_embeds_hidden_size·2^(len(depths)−1) = {PatchEmbedsHiddenSize}·2^{Depths.Count - 1} = " +
                $"{EncoderWidth} must equal hidden_size = {HiddenSize} (transformers feeds the encoder output to a projection of that width)");
        if (PatchEmbedInputChannels != 1)
            Fail($"patch_embed_input_channels {PatchEmbedInputChannels} is not supported (the unfused model takes one channel)");
        if (!FlattenPatchEmbeds)
            Fail("flatten_patch_embeds false is not supported");
        if (NumMelBins < 1 || SpecSize < NumMelBins)
            Fail($"spec_size {SpecSize} must be at least num_mel_bins {NumMelBins}");
        if (SpecHeight * FreqRatio != SpecSize)
            Fail($"spec_size {SpecSize} must be a multiple of spec_size // num_mel_bins = {FreqRatio} so the stacked chunks form a square image");
        if (PatchSize.Count != 2 || PatchStride.Count != 2 || PatchSize.Concat(PatchStride).Any(p => p < 1))
            Fail("patch_size and patch_stride must be positive");
        if (SpecSize % PatchStride[0] != 0 || SpecSize % PatchStride[1] != 0)
            Fail($"spec_size {SpecSize} must be a multiple of patch_stride [{PatchStride[0]}, {PatchStride[1]}]");
        if (WindowSize < 1)
            Fail($"window_size must be positive, not {WindowSize}");
        if (MlpRatio <= 0)
            Fail($"mlp_ratio must be positive, not {MlpRatio}");
        for (var stage = 0; stage < StageCount; stage++)
        {
            var (height, width) = StageResolution(stage);
            if (StageWidth(stage) % NumAttentionHeads[stage] != 0)
                Fail($"stage {stage} width {StageWidth(stage)} is not a multiple of its {NumAttentionHeads[stage]} heads");
            // transformers shrinks the window to a smaller grid but keeps the bias table of the full window,
            // which cannot index; grids that need padding are not produced by any published CLAP config.
            if (height != width || height < WindowSize || height % WindowSize != 0)
                Fail($"stage {stage} works on a {height}x{width} token grid, which must be square and a multiple of window_size {WindowSize}");
            if (stage < StageCount - 1 && height % 2 != 0)
                Fail($"stage {stage} grid {height}x{width} must be even to merge patches");
        }
        var last = StageResolution(StageCount - 1).Height;
        if (last < FreqRatio || last % FreqRatio != 0)
            Fail($"the last grid side {last} must be a multiple of spec_size // num_mel_bins = {FreqRatio} to group the output");
        ClapActivation.Validate(HiddenAct, $"{source}: audio_config.hidden_act");
        ClapActivation.Validate(ProjectionHiddenAct, $"{source}: audio_config.projection_hidden_act");
    }
}
