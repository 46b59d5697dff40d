using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>Resnets, each output pushed as a skip, then an optional strided-conv downsampler.</summary>
public sealed class DownBlock2D : UNetDownBlock
{
    public readonly ModuleList<ResnetBlock2D> resnets;
    public readonly ModuleList<Downsample2D>? downsamplers;

    private readonly string path;

    public DownBlock2D(
        long in_channels,
        long out_channels,
        long temb_channels,
        UNetBlockPlacement placement,
        int num_layers = 1,
        double resnet_eps = 1e-6,
        string resnet_time_scale_shift = "default",
        string resnet_act_fn = "swish",
        long resnet_groups = 32,
        double output_scale_factor = 1.0,
        bool add_downsample = true,
        long downsample_padding = 1,
        Device? device = null) : base(nameof(DownBlock2D))
    {
        path = placement.Path;
        resnets = new ModuleList<ResnetBlock2D>();
        for (var i = 0; i < num_layers; i++)
            resnets.Add(new ResnetBlock2D(i == 0 ? in_channels : out_channels, out_channels, temb_channels, resnet_eps,
                resnet_groups, resnet_act_fn, resnet_time_scale_shift, output_scale_factor, device));
        if (add_downsample)
            downsamplers = nn.ModuleList(new Downsample2D(out_channels, out_channels, downsample_padding, device));
        RegisterComponents();
    }

    public override (Tensor hidden_states, Tensor[] output_states) forward(
        Tensor hidden_states, Tensor temb, Tensor encoder_hidden_states, UNetHooks? hooks)
    {
        using var scope = NewDisposeScope();
        var observer = hooks?.Observer;
        var output_states = new List<Tensor>();
        for (var i = 0; i < resnets.Count; i++)
        {
            hidden_states = resnets[i].forward(hidden_states, temb);
            observer?.Invoke($"{path}.resnets.{i}", hidden_states);
            output_states.Add(hidden_states);
        }
        if (downsamplers is not null)
        {
            hidden_states = downsamplers[0].forward(hidden_states);
            observer?.Invoke($"{path}.downsamplers.0", hidden_states);
            output_states.Add(hidden_states);
        }
        observer?.Invoke(path, hidden_states);
        scope.MoveToOuter(output_states);
        return (hidden_states, output_states.ToArray());
    }
}
