using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>transformers' <c>CLIPEncoderLayer</c>: pre-LayerNorm attention and MLP, each with a residual.</summary>
public sealed class CLIPEncoderLayer : nn.Module<Tensor, Tensor?, Tensor>
{
    public readonly CLIPAttention self_attn;
    public readonly LayerNorm layer_norm1;
    public readonly CLIPMLP mlp;
    public readonly LayerNorm layer_norm2;

    public CLIPEncoderLayer(ICLIPEncoderConfig config, Device? device = null) : base(nameof(CLIPEncoderLayer))
    {
        self_attn = new CLIPAttention(config, device);
        layer_norm1 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        mlp = new CLIPMLP(config, device);
        layer_norm2 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states, Tensor? attention_mask)
    {
        using var scope = NewDisposeScope();
        var h = hidden_states.add(self_attn.forward(layer_norm1.forward(hidden_states), attention_mask), Scalars.One);
        h = h.add(mlp.forward(layer_norm2.forward(h)), Scalars.One);
        return h.MoveToOuterDisposeScope();
    }
}
