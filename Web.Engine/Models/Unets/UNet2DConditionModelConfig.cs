using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>
/// <c>unet/config.json</c> of a diffusers <c>UNet2DConditionModel</c>, with diffusers 0.27.2's defaults.
/// Options this engine does not implement (class or addition embeddings, GLIGEN, dual or only cross-attention,
/// Fourier time embeddings) are rejected by <see cref="Validate"/> with a message, never ignored.
/// </summary>
public sealed record UNet2DConditionModelConfig
{
    public const string FileName = "config.json";

    [JsonPropertyName("_class_name")] public string? ClassName { get; init; }
    [JsonPropertyName("_diffusers_version")] public string? DiffusersVersion { get; init; }
    [JsonPropertyName("sample_size")] public int? SampleSize { get; init; }
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 4;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 4;
    [JsonPropertyName("center_input_sample")] public bool CenterInputSample { get; init; }
    [JsonPropertyName("flip_sin_to_cos")] public bool FlipSinToCos { get; init; } = true;
    [JsonPropertyName("freq_shift")] public double FreqShift { get; init; }
    [JsonPropertyName("down_block_types")] public string[] DownBlockTypes { get; init; } =
        ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"];
    [JsonPropertyName("mid_block_type")] public string? MidBlockType { get; init; } = "UNetMidBlock2DCrossAttn";
    [JsonPropertyName("up_block_types")] public string[] UpBlockTypes { get; init; } =
        ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"];
    [JsonPropertyName("only_cross_attention")] public OneOrMany<bool> OnlyCrossAttention { get; init; } = false;
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [320, 640, 1280, 1280];
    [JsonPropertyName("layers_per_block")] public OneOrMany<int> LayersPerBlock { get; init; } = 2;
    [JsonPropertyName("downsample_padding")] public int DownsamplePadding { get; init; } = 1;
    [JsonPropertyName("mid_block_scale_factor")] public double MidBlockScaleFactor { get; init; } = 1;
    [JsonPropertyName("dropout")] public double Dropout { get; init; }
    [JsonPropertyName("act_fn")] public string ActFn { get; init; } = "silu";
    [JsonPropertyName("norm_num_groups")] public int? NormNumGroups { get; init; } = 32;
    [JsonPropertyName("norm_eps")] public double NormEps { get; init; } = 1e-5;
    [JsonPropertyName("cross_attention_dim")] public OneOrMany<int> CrossAttentionDim { get; init; } = 1280;
    [JsonPropertyName("transformer_layers_per_block")] public OneOrMany<int> TransformerLayersPerBlock { get; init; } = 1;
    [JsonPropertyName("reverse_transformer_layers_per_block")] public int[][]? ReverseTransformerLayersPerBlock { get; init; }
    [JsonPropertyName("encoder_hid_dim")] public int? EncoderHidDim { get; init; }
    [JsonPropertyName("encoder_hid_dim_type")] public string? EncoderHidDimType { get; init; }
    /// <summary>Despite the name, the number of attention heads (a historical diffusers misnomer).</summary>
    [JsonPropertyName("attention_head_dim")] public OneOrMany<int> AttentionHeadDim { get; init; } = 8;
    [JsonPropertyName("num_attention_heads")] public OneOrMany<int>? NumAttentionHeads { get; init; }
    [JsonPropertyName("dual_cross_attention")] public bool DualCrossAttention { get; init; }
    [JsonPropertyName("use_linear_projection")] public bool UseLinearProjection { get; init; }
    [JsonPropertyName("class_embed_type")] public string? ClassEmbedType { get; init; }
    [JsonPropertyName("addition_embed_type")] public string? AdditionEmbedType { get; init; }
    [JsonPropertyName("addition_time_embed_dim")] public int? AdditionTimeEmbedDim { get; init; }
    [JsonPropertyName("num_class_embeds")] public int? NumClassEmbeds { get; init; }
    /// <summary>Computes q·k in float32 under half precision; scaled dot-product attention already accumulates in float32.</summary>
    [JsonPropertyName("upcast_attention")] public bool? UpcastAttention { get; init; }
    [JsonPropertyName("resnet_time_scale_shift")] public string ResnetTimeScaleShift { get; init; } = "default";
    [JsonPropertyName("resnet_skip_time_act")] public bool ResnetSkipTimeAct { get; init; }
    [JsonPropertyName("resnet_out_scale_factor")] public double ResnetOutScaleFactor { get; init; } = 1.0;
    [JsonPropertyName("time_embedding_type")] public string TimeEmbeddingType { get; init; } = "positional";
    [JsonPropertyName("time_embedding_dim")] public int? TimeEmbeddingDim { get; init; }
    [JsonPropertyName("time_embedding_act_fn")] public string? TimeEmbeddingActFn { get; init; }
    [JsonPropertyName("timestep_post_act")] public string? TimestepPostAct { get; init; }
    [JsonPropertyName("time_cond_proj_dim")] public int? TimeCondProjDim { get; init; }
    [JsonPropertyName("conv_in_kernel")] public int ConvInKernel { get; init; } = 3;
    [JsonPropertyName("conv_out_kernel")] public int ConvOutKernel { get; init; } = 3;
    [JsonPropertyName("projection_class_embeddings_input_dim")] public int? ProjectionClassEmbeddingsInputDim { get; init; }
    [JsonPropertyName("attention_type")] public string AttentionType { get; init; } = "default";
    [JsonPropertyName("class_embeddings_concat")] public bool ClassEmbeddingsConcat { get; init; }
    [JsonPropertyName("mid_block_only_cross_attention")] public bool? MidBlockOnlyCrossAttention { get; init; }
    [JsonPropertyName("cross_attention_norm")] public string? CrossAttentionNorm { get; init; }
    [JsonPropertyName("addition_embed_type_num_heads")] public int AdditionEmbedTypeNumHeads { get; init; } = 64;

    /// <summary><c>runwayml/stable-diffusion-v1-5</c>'s <c>unet/config.json</c>.</summary>
    public static UNet2DConditionModelConfig StableDiffusion15 { get; } = new()
    {
        ClassName = "UNet2DConditionModel",
        SampleSize = 64,
        CrossAttentionDim = 768,
    };

    public static UNet2DConditionModelConfig Read(string folder) =>
        ConfigJson.Read<UNet2DConditionModelConfig>(Path.Combine(folder, FileName)).Validate();

    public int BlockCount => BlockOutChannels.Length;

    /// <summary>Heads per block (diffusers: <c>num_attention_heads or attention_head_dim</c>).</summary>
    public IReadOnlyList<int> HeadsPerBlock => AttentionHeadDim.PerBlock(BlockCount, "attention_head_dim");

    public IReadOnlyList<int> CrossAttentionDimPerBlock => CrossAttentionDim.PerBlock(BlockCount, "cross_attention_dim");

    public IReadOnlyList<int> LayersPerBlockList => LayersPerBlock.PerBlock(BlockCount, "layers_per_block");

    public IReadOnlyList<int> TransformerLayersPerBlockList =>
        TransformerLayersPerBlock.PerBlock(BlockCount, "transformer_layers_per_block");

    public int TimeEmbedDim => TimeEmbeddingDim ?? BlockOutChannels[0] * 4;

    public static string CanonicalBlockType(string type) => type.StartsWith("UNetRes", StringComparison.Ordinal) ? type[7..] : type;

    /// <summary>Checks the config describes a UNet this engine builds exactly; returns it for chaining.</summary>
    public UNet2DConditionModelConfig Validate()
    {
        static InputException Unsupported(string what) => new($"UNet config: {what} is not supported by this engine");

        if (BlockOutChannels.Length == 0)
            throw new InputException("UNet config: block_out_channels is empty");
        if (DownBlockTypes.Length != BlockCount || UpBlockTypes.Length != BlockCount)
            throw new InputException($"UNet config: {BlockCount} block_out_channels need as many down_block_types and " +
                $"up_block_types (got {DownBlockTypes.Length} and {UpBlockTypes.Length})");
        if (BlockOutChannels.Any(c => c <= 0) || InChannels <= 0 || OutChannels <= 0)
            throw new InputException("UNet config: channel counts must be positive");
        if (NormNumGroups is not { } groups || groups <= 0)
            throw Unsupported("norm_num_groups other than a positive number");
        if (BlockOutChannels.Any(c => c % groups != 0))
            throw new InputException($"UNet config: every block_out_channels value must be divisible by norm_num_groups {groups}");
        if (ConvInKernel <= 0 || ConvInKernel % 2 == 0 || ConvOutKernel <= 0 || ConvOutKernel % 2 == 0)
            throw new InputException("UNet config: conv_in_kernel and conv_out_kernel must be positive odd numbers");
        foreach (var type in DownBlockTypes.Select(CanonicalBlockType))
            if (type is not ("CrossAttnDownBlock2D" or "DownBlock2D"))
                throw Unsupported($"down block type '{type}' (supported: CrossAttnDownBlock2D, DownBlock2D)");
        foreach (var type in UpBlockTypes.Select(CanonicalBlockType))
            if (type is not ("CrossAttnUpBlock2D" or "UpBlock2D"))
                throw Unsupported($"up block type '{type}' (supported: CrossAttnUpBlock2D, UpBlock2D)");
        if (MidBlockType is not (null or "UNetMidBlock2DCrossAttn" or "UNetMidBlock2D"))
            throw Unsupported($"mid block type '{MidBlockType}' (supported: UNetMidBlock2DCrossAttn, UNetMidBlock2D, null)");
        if (NumAttentionHeads is not null)
            throw new InputException("UNet config: num_attention_heads must be null in diffusers 0.27 (attention_head_dim holds the head count)");
        if (TimeEmbeddingType != "positional")
            throw Unsupported($"time_embedding_type '{TimeEmbeddingType}'");
        if (ClassEmbedType is not null || NumClassEmbeds is not null)
            throw Unsupported("class embeddings (class_embed_type / num_class_embeds)");
        if (AdditionEmbedType is not null)
            throw Unsupported($"addition_embed_type '{AdditionEmbedType}'");
        if (EncoderHidDim is not null || EncoderHidDimType is not null)
            throw Unsupported("encoder_hid_dim projection");
        if (TimeCondProjDim is not null)
            throw Unsupported("time_cond_proj_dim");
        if (DualCrossAttention)
            throw Unsupported("dual_cross_attention");
        if (OnlyCrossAttention.Values.Any(v => v) || MidBlockOnlyCrossAttention == true)
            throw Unsupported("only_cross_attention");
        if (AttentionType != "default")
            throw Unsupported($"attention_type '{AttentionType}'");
        if (ReverseTransformerLayersPerBlock is not null)
            throw Unsupported("reverse_transformer_layers_per_block");
        if (ResnetTimeScaleShift is not ("default" or "scale_shift"))
            throw Unsupported($"resnet_time_scale_shift '{ResnetTimeScaleShift}'");

        var heads = HeadsPerBlock;
        var crossDims = CrossAttentionDimPerBlock;
        var layers = LayersPerBlockList;
        var transformerLayers = TransformerLayersPerBlockList;
        OnlyCrossAttention.PerBlock(BlockCount, "only_cross_attention");
        if (heads.Any(h => h <= 0) || crossDims.Any(d => d <= 0) || layers.Any(l => l <= 0) || transformerLayers.Any(l => l <= 0))
            throw new InputException("UNet config: attention_head_dim, cross_attention_dim, layers_per_block and " +
                "transformer_layers_per_block must be positive");
        for (var i = 0; i < BlockCount; i++)
        {
            var up = BlockCount - 1 - i;
            if ((CanonicalBlockType(DownBlockTypes[i]) == "CrossAttnDownBlock2D" && BlockOutChannels[i] < heads[i])
                || (CanonicalBlockType(UpBlockTypes[up]) == "CrossAttnUpBlock2D" && BlockOutChannels[i] < heads[i])
                || (i == BlockCount - 1 && MidBlockType == "UNetMidBlock2DCrossAttn" && BlockOutChannels[i] < heads[i]))
                throw new InputException($"UNet config: {BlockOutChannels[i]} channels cannot hold {heads[i]} attention heads (block {i})");
        }
        Activations.Get(ActFn);
        if (TimeEmbeddingActFn is not null)
            Activations.Get(TimeEmbeddingActFn);
        if (TimestepPostAct is not null)
            Activations.Get(TimestepPostAct);
        return this;
    }
}
