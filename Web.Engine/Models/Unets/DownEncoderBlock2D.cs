using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>The VAE encoder's down block: resnets without a time embedding, then an optional downsampler.</summary>
public sealed class DownEncoderBlock2D : nn.Module
{
    public readonly ModuleList<ResnetBlock2D> resnets;
    public readonly ModuleList<Downsample2D>? downsamplers;

    private readonly string path;

    public DownEncoderBlock2D(
        long in_channels,
        long out_channels,
        int num_layers = 1,
        double resnet_eps = 1e-6,
        string resnet_time_scale_shift = "default",
        string resnet_act_fn = "swish",
        long resnet_groups = 32,
        double output_scale_factor = 1.0,
        bool add_downsample = true,
        long downsample_padding = 1,
        string path = "down_blocks.0",
        Device? device = null) : base(nameof(DownEncoderBlock2D))
    {
        this.path = path;
        resnets = new ModuleList<ResnetBlock2D>();
        for (var i = 0; i < num_layers; i++)
            resnets.Add(new ResnetBlock2D(i == 0 ? in_channels : out_channels, out_channels, null, resnet_eps,
                resnet_groups, resnet_act_fn, resnet_time_scale_shift, output_scale_factor, device));
        if (add_downsample)
            downsamplers = nn.ModuleList(new Downsample2D(out_channels, out_channels, downsample_padding, device));
        RegisterComponents();
    }

    public Tensor forward(Tensor hidden_states, ActivationObserver? observer = null)
    {
        using var scope = NewDisposeScope();
        for (var i = 0; i < resnets.Count; i++)
        {
            hidden_states = resnets[i].forward(hidden_states, null);
            observer?.Invoke($"{path}.resnets.{i}", hidden_states);
        }
        if (downsamplers is not null)
        {
            hidden_states = downsamplers[0].forward(hidden_states);
            observer?.Invoke($"{path}.downsamplers.0", hidden_states);
        }
        observer?.Invoke(path, hidden_states);
        return scope.MoveToOuter(hidden_states);
    }
}
