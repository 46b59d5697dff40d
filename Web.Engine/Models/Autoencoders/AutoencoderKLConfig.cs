using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Models.Autoencoders;

/// <summary>
/// <c>vae/config.json</c> of a diffusers <c>AutoencoderKL</c>, with diffusers 0.27.2's defaults, plus the later
/// switches <c>use_quant_conv</c>, <c>use_post_quant_conv</c> and <c>mid_block_add_attention</c> (default true,
/// which is 0.27.2's fixed behaviour).
/// </summary>
public sealed record AutoencoderKLConfig
{
    public const string FileName = "config.json";

    [JsonPropertyName("_class_name")] public string? ClassName { get; init; }
    [JsonPropertyName("_diffusers_version")] public string? DiffusersVersion { get; init; }
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 3;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 3;
    [JsonPropertyName("down_block_types")] public string[] DownBlockTypes { get; init; } = ["DownEncoderBlock2D"];
    [JsonPropertyName("up_block_types")] public string[] UpBlockTypes { get; init; } = ["UpDecoderBlock2D"];
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [64];
    [JsonPropertyName("layers_per_block")] public int LayersPerBlock { get; init; } = 1;
    [JsonPropertyName("act_fn")] public string ActFn { get; init; } = "silu";
    [JsonPropertyName("latent_channels")] public int LatentChannels { get; init; } = 4;
    [JsonPropertyName("norm_num_groups")] public int NormNumGroups { get; init; } = 32;
    [JsonPropertyName("sample_size")] public OneOrMany<int> SampleSize { get; init; } = 32;
    /// <summary>Latents for the UNet are <c>sample · scaling_factor</c>; decode expects them divided back.</summary>
    [JsonPropertyName("scaling_factor")] public double ScalingFactor { get; init; } = 0.18215;
    [JsonPropertyName("latents_mean")] public double[]? LatentsMean { get; init; }
    [JsonPropertyName("latents_std")] public double[]? LatentsStd { get; init; }
    [JsonPropertyName("force_upcast")] public bool ForceUpcast { get; init; } = true;
    [JsonPropertyName("use_quant_conv")] public bool UseQuantConv { get; init; } = true;
    [JsonPropertyName("use_post_quant_conv")] public bool UsePostQuantConv { get; init; } = true;
    [JsonPropertyName("mid_block_add_attention")] public bool MidBlockAddAttention { get; init; } = true;

    /// <summary><c>runwayml/stable-diffusion-v1-5</c>'s <c>vae/config.json</c>.</summary>
    public static AutoencoderKLConfig StableDiffusion15 { get; } = new()
    {
        ClassName = "AutoencoderKL",
        DownBlockTypes = ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
        UpBlockTypes = ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"],
        BlockOutChannels = [128, 256, 512, 512],
        LayersPerBlock = 2,
        SampleSize = 512,
    };

    public static AutoencoderKLConfig Read(string folder) =>
        ConfigJson.Read<AutoencoderKLConfig>(Path.Combine(folder, FileName)).Validate();

    public AutoencoderKLConfig Validate()
    {
        if (BlockOutChannels.Length == 0 || BlockOutChannels.Any(c => c <= 0))
            throw new InputException("VAE config: block_out_channels must list positive widths");
        if (DownBlockTypes.Length != BlockOutChannels.Length || UpBlockTypes.Length != BlockOutChannels.Length)
            throw new InputException($"VAE config: {BlockOutChannels.Length} block_out_channels need as many down_block_types " +
                $"and up_block_types (got {DownBlockTypes.Length} and {UpBlockTypes.Length})");
        if (DownBlockTypes.Any(t => t != "DownEncoderBlock2D") || UpBlockTypes.Any(t => t != "UpDecoderBlock2D"))
            throw new InputException("VAE config: only DownEncoderBlock2D / UpDecoderBlock2D blocks are supported by this engine");
        if (InChannels <= 0 || OutChannels <= 0 || LatentChannels <= 0 || LayersPerBlock <= 0)
            throw new InputException("VAE config: channel counts and layers_per_block must be positive");
        if (NormNumGroups <= 0 || BlockOutChannels.Any(c => c % NormNumGroups != 0))
            throw new InputException($"VAE config: every block_out_channels value must be divisible by norm_num_groups {NormNumGroups}");
        if (!double.IsFinite(ScalingFactor) || ScalingFactor <= 0)
            throw new InputException($"VAE config: scaling_factor must be a positive number, not {ScalingFactor}");
        Activations.Get(ActFn);
        return this;
    }
}
