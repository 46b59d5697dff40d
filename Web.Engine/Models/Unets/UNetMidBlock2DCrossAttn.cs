using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>resnets.0, then (transformer, resnet) pairs, all at the innermost width.</summary>
public sealed class UNetMidBlock2DCrossAttn : UNetMidBlock
{
    public readonly ModuleList<Transformer2DModel> attentions;
    public readonly ModuleList<ResnetBlock2D> resnets;

    private readonly string path;

    public UNetMidBlock2DCrossAttn(
        long in_channels,
        long temb_channels,
        UNetBlockPlacement placement,
        int num_layers = 1,
        IReadOnlyList<int>? transformer_layers_per_block = null,
        double resnet_eps = 1e-6,
        string resnet_time_scale_shift = "default",
        string resnet_act_fn = "swish",
        long resnet_groups = 32,
        long num_attention_heads = 1,
        double output_scale_factor = 1.0,
        long cross_attention_dim = 1280,
        bool use_linear_projection = false,
        Device? device = null) : base(nameof(UNetMidBlock2DCrossAttn))
    {
        path = placement.Path;
        resnets = nn.ModuleList(new ResnetBlock2D(in_channels, in_channels, temb_channels, resnet_eps, resnet_groups,
            resnet_act_fn, resnet_time_scale_shift, output_scale_factor, device));
        attentions = new ModuleList<Transformer2DModel>();
        for (var i = 0; i < num_layers; i++)
        {
            attentions.Add(new Transformer2DModel(num_attention_heads, in_channels / num_attention_heads, in_channels,
                cross_attention_dim, transformer_layers_per_block?[i] ?? 1, resnet_groups, use_linear_projection,
                placement.SitesOf(i, in_channels, num_attention_heads, cross_attention_dim), placement.AttentionPath(i), device));
            resnets.Add(new ResnetBlock2D(in_channels, in_channels, temb_channels, resnet_eps, resnet_groups,
                resnet_act_fn, resnet_time_scale_shift, output_scale_factor, device));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states, Tensor temb, Tensor encoder_hidden_states, UNetHooks? hooks)
    {
        using var scope = NewDisposeScope();
        var observer = hooks?.Observer;
        hidden_states = resnets[0].forward(hidden_states, temb);
        observer?.Invoke($"{path}.resnets.0", hidden_states);
        for (var i = 0; i < attentions.Count; i++)
        {
            hidden_states = attentions[i].forward(hidden_states, encoder_hidden_states, hooks);
            observer?.Invoke($"{path}.attentions.{i}", hidden_states);
            hidden_states = resnets[i + 1].forward(hidden_states, temb);
            observer?.Invoke($"{path}.resnets.{i + 1}", hidden_states);
        }
        observer?.Invoke(path, hidden_states);
        return scope.MoveToOuter(hidden_states);
    }
}
