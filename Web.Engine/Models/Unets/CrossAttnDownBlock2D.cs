using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>(Resnet, transformer) pairs, each pair's output pushed as a skip, then an optional strided-conv downsampler.</summary>
public sealed class CrossAttnDownBlock2D : UNetDownBlock
{
    public readonly ModuleList<Transformer2DModel> attentions;
    public readonly ModuleList<ResnetBlock2D> resnets;
    public readonly ModuleList<Downsample2D>? downsamplers;

    private readonly string path;

    public CrossAttnDownBlock2D(
        long in_channels,
        long out_channels,
        long temb_channels,
        UNetBlockPlacement placement,
        int num_layers = 1,
        IReadOnlyList<int>? transformer_layers_per_block = null,
        double resnet_eps = 1e-6,
        string resnet_time_scale_shift = "default",
        string resnet_act_fn = "swish",
        long resnet_groups = 32,
        long num_attention_heads = 1,
        long cross_attention_dim = 1280,
        double output_scale_factor = 1.0,
        long downsample_padding = 1,
        bool add_downsample = true,
        bool use_linear_projection = false,
        Device? device = null) : base(nameof(CrossAttnDownBlock2D))
    {
        path = placement.Path;
        resnets = new ModuleList<ResnetBlock2D>();
        attentions = new ModuleList<Transformer2DModel>();
        for (var i = 0; i < num_layers; i++)
        {
            resnets.Add(new ResnetBlock2D(i == 0 ? in_channels : out_channels, out_channels, temb_channels, resnet_eps,
                resnet_groups, resnet_act_fn, resnet_time_scale_shift, output_scale_factor, device));
            attentions.Add(new Transformer2DModel(num_attention_heads, out_channels / num_attention_heads, out_channels,
                cross_attention_dim, transformer_layers_per_block?[i] ?? 1, resnet_groups, use_linear_projection,
                placement.SitesOf(i, out_channels, num_attention_heads, cross_attention_dim), placement.AttentionPath(i), device));
        }
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
            hidden_states = attentions[i].forward(hidden_states, encoder_hidden_states, hooks);
            observer?.Invoke($"{path}.attentions.{i}", hidden_states);
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
