using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>
/// resnets.0, then (attention, resnet) pairs where the attention is a single-head <see cref="Attention"/> over
/// the feature map with its own group norm and residual: the VAE's mid block, and a UNet mid block option.
/// </summary>
public sealed class UNetMidBlock2D : UNetMidBlock
{
    public readonly ModuleList<Attention> attentions;
    public readonly ModuleList<ResnetBlock2D> resnets;

    private readonly string path;

    public UNetMidBlock2D(
        long in_channels,
        long? temb_channels,
        int num_layers = 1,
        double resnet_eps = 1e-6,
        string resnet_time_scale_shift = "default",
        string resnet_act_fn = "swish",
        long resnet_groups = 32,
        bool add_attention = true,
        long? attention_head_dim = 1,
        double output_scale_factor = 1.0,
        string path = "mid_block",
        Device? device = null) : base(nameof(UNetMidBlock2D))
    {
        this.path = path;
        var head_dim = attention_head_dim ?? in_channels;
        long? attn_groups = resnet_time_scale_shift == "default" ? resnet_groups : null;
        resnets = nn.ModuleList(new ResnetBlock2D(in_channels, in_channels, temb_channels, resnet_eps, resnet_groups,
            resnet_act_fn, resnet_time_scale_shift, output_scale_factor, device));
        attentions = new ModuleList<Attention>();
        for (var i = 0; i < num_layers; i++)
        {
            if (add_attention)
                attentions.Add(new Attention(in_channels, heads: in_channels / head_dim, dim_head: head_dim, bias: true,
                    norm_num_groups: attn_groups, eps: resnet_eps, rescale_output_factor: output_scale_factor,
                    residual_connection: true, device: device));
            resnets.Add(new ResnetBlock2D(in_channels, in_channels, temb_channels, resnet_eps, resnet_groups,
                resnet_act_fn, resnet_time_scale_shift, output_scale_factor, device));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states, Tensor temb, Tensor encoder_hidden_states, UNetHooks? hooks) =>
        forward(hidden_states, temb, hooks?.Observer);

    public Tensor forward(Tensor hidden_states, Tensor? temb = null, ActivationObserver? observer = null)
    {
        using var scope = NewDisposeScope();
        hidden_states = resnets[0].forward(hidden_states, temb);
        observer?.Invoke($"{path}.resnets.0", hidden_states);
        for (var i = 1; i < resnets.Count; i++)
        {
            if (attentions.Count > 0)
            {
                hidden_states = attentions[i - 1].forward(hidden_states);
                observer?.Invoke($"{path}.attentions.{i - 1}", hidden_states);
            }
            hidden_states = resnets[i].forward(hidden_states, temb);
            observer?.Invoke($"{path}.resnets.{i}", hidden_states);
        }
        observer?.Invoke(path, hidden_states);
        return scope.MoveToOuter(hidden_states);
    }
}
