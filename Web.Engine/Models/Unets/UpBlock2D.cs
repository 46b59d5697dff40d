using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>Per layer: concatenate [hidden, skip] on channels, resnet; then an optional upsampler.</summary>
public sealed class UpBlock2D : UNetUpBlock
{
    public readonly ModuleList<ResnetBlock2D> resnets;
    public readonly ModuleList<Upsample2D>? upsamplers;

    private readonly string path;

    public UpBlock2D(
        long in_channels,
        long prev_output_channel,
        long out_channels,
        long temb_channels,
        UNetBlockPlacement placement,
        int num_layers = 1,
        double resnet_eps = 1e-6,
        string resnet_time_scale_shift = "default",
        string resnet_act_fn = "swish",
        long resnet_groups = 32,
        double output_scale_factor = 1.0,
        bool add_upsample = true,
        Device? device = null) : base(nameof(UpBlock2D))
    {
        path = placement.Path;
        resnets = new ModuleList<ResnetBlock2D>();
        for (var i = 0; i < num_layers; i++)
        {
            var res_skip_channels = i == num_layers - 1 ? in_channels : out_channels;
            var resnet_in_channels = i == 0 ? prev_output_channel : out_channels;
            resnets.Add(new ResnetBlock2D(resnet_in_channels + res_skip_channels, out_channels, temb_channels, resnet_eps,
                resnet_groups, resnet_act_fn, resnet_time_scale_shift, output_scale_factor, device));
        }
        if (add_upsample)
            upsamplers = nn.ModuleList(new Upsample2D(out_channels, out_channels, device));
        RegisterComponents();
    }

    public override int SkipCount => resnets.Count;

    public override Tensor forward(Tensor hidden_states, IReadOnlyList<Tensor> res_hidden_states_tuple, Tensor temb,
        Tensor encoder_hidden_states, long[]? upsample_size, UNetHooks? hooks)
    {
        using var scope = NewDisposeScope();
        var observer = hooks?.Observer;
        for (var i = 0; i < resnets.Count; i++)
        {
            var res_hidden_states = res_hidden_states_tuple[res_hidden_states_tuple.Count - 1 - i];
            hidden_states = cat([hidden_states, res_hidden_states], dim: 1);
            hidden_states = resnets[i].forward(hidden_states, temb);
            observer?.Invoke($"{path}.resnets.{i}", hidden_states);
        }
        if (upsamplers is not null)
        {
            hidden_states = upsamplers[0].forward(hidden_states, upsample_size);
            observer?.Invoke($"{path}.upsamplers.0", hidden_states);
        }
        observer?.Invoke(path, hidden_states);
        return scope.MoveToOuter(hidden_states);
    }
}
