using Clap2Diffusion.Engine.Models.Layers;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Autoencoders;

/// <summary>
/// The VAE encoder: conv_in, down blocks (the downsamplers pad right and bottom, then stride without padding),
/// mid block with attention, group norm, SiLU, conv_out to 2·latent channels (mean and log-variance).
/// </summary>
public sealed class Encoder : nn.Module
{
    public readonly nn.Module<Tensor, Tensor> conv_in;
    public readonly ModuleList<DownEncoderBlock2D> down_blocks;
    public readonly UNetMidBlock2D mid_block;
    public readonly nn.Module<Tensor, Tensor> conv_norm_out;
    public readonly nn.Module<Tensor, Tensor> conv_out;

    public Encoder(AutoencoderKLConfig config, bool double_z = true, Device? device = null) : base(nameof(Encoder))
    {
        var channels = config.BlockOutChannels;
        conv_in = OneDnn.Register(() => nn.Conv2d(config.InChannels, channels[0], 3, padding: 1, device: device));
        down_blocks = new ModuleList<DownEncoderBlock2D>();
        var output_channel = channels[0];
        for (var i = 0; i < channels.Length; i++)
        {
            var input_channel = output_channel;
            output_channel = channels[i];
            down_blocks.Add(new DownEncoderBlock2D(input_channel, output_channel, config.LayersPerBlock, 1e-6,
                resnet_act_fn: config.ActFn, resnet_groups: config.NormNumGroups, add_downsample: i != channels.Length - 1,
                downsample_padding: 0, path: $"encoder.down_blocks.{i}", device: device));
        }
        mid_block = new UNetMidBlock2D(channels[^1], null, resnet_eps: 1e-6, resnet_act_fn: config.ActFn,
            resnet_groups: config.NormNumGroups, add_attention: config.MidBlockAddAttention, attention_head_dim: channels[^1],
            path: "encoder.mid_block", device: device);
        conv_norm_out = Norms.GroupNorm(config.NormNumGroups, channels[^1], 1e-6, affine: true, device: device);
        conv_out = OneDnn.Register(() => nn.Conv2d(channels[^1], double_z ? 2 * config.LatentChannels : config.LatentChannels, 3, padding: 1, device: device));
        RegisterComponents();
    }

    public Tensor forward(Tensor sample, ActivationObserver? observer = null)
    {
        using var scope = NewDisposeScope();
        sample = conv_in.forward(sample);
        observer?.Invoke("encoder.conv_in", sample);
        foreach (var block in down_blocks)
            sample = block.forward(sample, observer);
        sample = mid_block.forward(sample, null, observer);
        sample = conv_norm_out.forward(sample);
        observer?.Invoke("encoder.conv_norm_out", sample);
        sample = conv_out.forward(nn.functional.silu(sample));
        observer?.Invoke("encoder.conv_out", sample);
        return scope.MoveToOuter(sample);
    }
}
