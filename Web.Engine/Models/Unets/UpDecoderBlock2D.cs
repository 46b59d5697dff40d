using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>The VAE decoder's up block: resnets without skips or time embedding, then an optional upsampler.</summary>
public sealed class UpDecoderBlock2D : nn.Module
{
    public readonly ModuleList<ResnetBlock2D> resnets;
    public readonly ModuleList<Upsample2D>? upsamplers;

    private readonly string path;

    public UpDecoderBlock2D(
        long in_channels,
        long out_channels,
        int num_layers = 1,
        double resnet_eps = 1e-6,
        string resnet_time_scale_shift = "default",
        string resnet_act_fn = "swish",
        long resnet_groups = 32,
        double output_scale_factor = 1.0,
        bool add_upsample = true,
        long? temb_channels = null,
        string path = "up_blocks.0",
        Device? device = null) : base(nameof(UpDecoderBlock2D))
    {
        this.path = path;
        resnets = new ModuleList<ResnetBlock2D>();
        for (var i = 0; i < num_layers; i++)
            resnets.Add(new ResnetBlock2D(i == 0 ? in_channels : out_channels, out_channels, temb_channels, resnet_eps,
                resnet_groups, resnet_act_fn, resnet_time_scale_shift, output_scale_factor, device));
        if (add_upsample)
            upsamplers = nn.ModuleList(new Upsample2D(out_channels, out_channels, device));
        RegisterComponents();
    }

    public Tensor forward(Tensor hidden_states, Tensor? temb = null, ActivationObserver? observer = null)
    {
        using var scope = NewDisposeScope();
        for (var i = 0; i < resnets.Count; i++)
        {
            hidden_states = resnets[i].forward(hidden_states, temb);
            observer?.Invoke($"{path}.resnets.{i}", hidden_states);
        }
        if (upsamplers is not null)
        {
            hidden_states = upsamplers[0].forward(hidden_states);
            observer?.Invoke($"{path}.upsamplers.0", hidden_states);
        }
        observer?.Invoke(path, hidden_states);
        return scope.MoveToOuter(hidden_states);
    }
}
