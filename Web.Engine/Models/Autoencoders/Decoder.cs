using Clap2Diffusion.Engine.Models.Layers;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Autoencoders;

/// <summary>
/// The VAE decoder: conv_in from the latent channels to the widest, mid block with attention, up blocks of
/// layers_per_block + 1 resnets with nearest x2 upsampling, group norm, SiLU, conv_out to image channels.
/// </summary>
public sealed class Decoder : nn.Module
{
    public readonly nn.Module<Tensor, Tensor> conv_in;
    public readonly UNetMidBlock2D mid_block;
    public readonly ModuleList<UpDecoderBlock2D> up_blocks;
    public readonly nn.Module<Tensor, Tensor> conv_norm_out;
    public readonly nn.Module<Tensor, Tensor> conv_out;

    public Decoder(AutoencoderKLConfig config, Device? device = null) : base(nameof(Decoder))
    {
        var channels = config.BlockOutChannels;
        conv_in = OneDnn.Register(() => nn.Conv2d(config.LatentChannels, channels[^1], 3, padding: 1, device: device));
        mid_block = new UNetMidBlock2D(channels[^1], null, resnet_eps: 1e-6, resnet_act_fn: config.ActFn,
            resnet_groups: config.NormNumGroups, add_attention: config.MidBlockAddAttention, attention_head_dim: channels[^1],
            path: "decoder.mid_block", device: device);
        up_blocks = new ModuleList<UpDecoderBlock2D>();
        var reversed_channels = channels.Reverse().ToArray();
        var output_channel = reversed_channels[0];
        for (var i = 0; i < reversed_channels.Length; i++)
        {
            var prev_output_channel = output_channel;
            output_channel = reversed_channels[i];
            up_blocks.Add(new UpDecoderBlock2D(prev_output_channel, output_channel, config.LayersPerBlock + 1, 1e-6,
                resnet_act_fn: config.ActFn, resnet_groups: config.NormNumGroups, add_upsample: i != reversed_channels.Length - 1,
                path: $"decoder.up_blocks.{i}", device: device));
        }
        conv_norm_out = Norms.GroupNorm(config.NormNumGroups, channels[0], 1e-6, affine: true, device: device);
        conv_out = OneDnn.Register(() => nn.Conv2d(channels[0], config.OutChannels, 3, padding: 1, device: device));
        RegisterComponents();
    }

    public Tensor forward(Tensor sample, ActivationObserver? observer = null)
    {
        using var scope = NewDisposeScope();
        sample = conv_in.forward(sample);
        observer?.Invoke("decoder.conv_in", sample);
        sample = mid_block.forward(sample, null, observer);
        foreach (var block in up_blocks)
            sample = block.forward(sample, null, observer);
        sample = conv_norm_out.forward(sample);
        observer?.Invoke("decoder.conv_norm_out", sample);
        sample = conv_out.forward(nn.functional.silu(sample));
        observer?.Invoke("decoder.conv_out", sample);
        return scope.MoveToOuter(sample);
    }
}
