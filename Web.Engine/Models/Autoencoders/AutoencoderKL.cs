using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights.Layouts;
using Clap2Diffusion.Engine.Weights;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Autoencoders;

/// <summary>
/// diffusers' KL autoencoder (the SD VAE). <see cref="encode"/> gives the posterior over latents,
/// <see cref="decode"/> maps latents back to images in about [-1, 1]. Neither applies
/// <see cref="ScalingFactor"/>: the pipeline multiplies encoded latents by it and divides before decoding.
/// </summary>
public sealed partial class AutoencoderKL : nn.Module
{
    public readonly Encoder encoder;
    public readonly Decoder decoder;
    public readonly nn.Module<Tensor, Tensor>? quant_conv;
    public readonly nn.Module<Tensor, Tensor>? post_quant_conv;

    public AutoencoderKL(AutoencoderKLConfig config, Device? device = null) : base(nameof(AutoencoderKL))
    {
        Config = config.Validate();
        encoder = new Encoder(config, double_z: true, device);
        decoder = new Decoder(config, device);
        if (config.UseQuantConv)
            quant_conv = OneDnn.Register(() => nn.Conv2d(2 * config.LatentChannels, 2 * config.LatentChannels, 1, device: device));
        if (config.UsePostQuantConv)
            post_quant_conv = OneDnn.Register(() => nn.Conv2d(config.LatentChannels, config.LatentChannels, 1, device: device));
        RegisterComponents();
    }

    public AutoencoderKLConfig Config { get; }

    /// <summary>0.18215 for SD 1.5.</summary>
    public double ScalingFactor => Config.ScalingFactor;

    /// <summary>
    /// Accepts checkpoints saved before diffusers 0.14, whose mid-block attention is named
    /// <c>query</c>/<c>key</c>/<c>value</c>/<c>proj_attn</c>, and original LDM files that store those linears as
    /// [C, C, 1, 1] convolutions. Modern names pass unchanged.
    /// </summary>
    public static KeyTranslation LegacyAttentionNames { get; } = new("vae-legacy-attention", RenameLegacyAttention)
    {
        SqueezeUnitConvToLinear = true,
    };

    public static AutoencoderKL FromPretrained(string folder, ComputeTarget? target = null, string? weightsFile = null)
    {
        WeightFiles.RequireFolder(folder);
        var config = AutoencoderKLConfig.Read(folder);
        return PretrainedLoader.Load(folder, target, device => new AutoencoderKL(config, device),
            WeightFiles.Diffusers, weightsFile, LegacyAttentionNames);
    }

    /// <param name="x">Images [B, in_channels, H, W] in [-1, 1].</param>
    /// <param name="observer">Receives <c>encoder.*</c> activations and <c>quant_conv</c>.</param>
    public DiagonalGaussianDistribution encode(Tensor x, ActivationObserver? observer = null)
    {
        if (x.ndim != 4 || x.shape[1] != Config.InChannels)
            throw new InputException($"VAE input must be [batch, {Config.InChannels}, height, width], not [{string.Join(", ", x.shape)}]");
        Tensor moments;
        using (var scope = NewDisposeScope())
        {
            moments = encoder.forward(x, observer);
            if (quant_conv is not null)
                moments = quant_conv.forward(moments);
            observer?.Invoke("quant_conv", moments);
            scope.MoveToOuter(moments);
        }
        using (moments)
            return new DiagonalGaussianDistribution(moments);
    }

    /// <param name="z">Latents [B, latent_channels, h, w], already divided by <see cref="ScalingFactor"/>.</param>
    /// <param name="observer">Receives <c>post_quant_conv</c> and <c>decoder.*</c> activations.</param>
    public Tensor decode(Tensor z, ActivationObserver? observer = null)
    {
        if (z.ndim != 4 || z.shape[1] != Config.LatentChannels)
            throw new InputException($"VAE latents must be [batch, {Config.LatentChannels}, height, width], not [{string.Join(", ", z.shape)}]");
        using var scope = NewDisposeScope();
        if (post_quant_conv is not null)
            z = post_quant_conv.forward(z);
        observer?.Invoke("post_quant_conv", z);
        return scope.MoveToOuter(decoder.forward(z, observer));
    }

    /// <summary>decode(encode(x) sampled, or its mean when <paramref name="sample_posterior"/> is false).</summary>
    public Tensor forward(Tensor sample, bool sample_posterior = false, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        using var posterior = encode(sample);
        var z = sample_posterior ? posterior.sample(generator) : posterior.mode();
        return scope.MoveToOuter(decode(z));
    }

    private static string RenameLegacyAttention(string key)
    {
        var match = LegacyAttentionKey().Match(key);
        if (!match.Success)
            return key;
        var modern = match.Groups["name"].Value switch
        {
            "query" => "to_q",
            "key" => "to_k",
            "value" => "to_v",
            _ => "to_out.0",
        };
        return $"{match.Groups["prefix"].Value}.{modern}.{match.Groups["param"].Value}";
    }

    [GeneratedRegex(@"^(?<prefix>(encoder|decoder)\.mid_block\.attentions\.\d+)\.(?<name>query|key|value|proj_attn)\.(?<param>weight|bias)$")]
    private static partial Regex LegacyAttentionKey();
}
