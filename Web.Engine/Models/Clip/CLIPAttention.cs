using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>
/// transformers' <c>CLIPAttention</c>: multi-head self-attention with biased q/k/v/out projections and
/// scale head_dim^-0.5. The optional mask is additive, [batch or 1, 1, queries, keys].
/// </summary>
public sealed class CLIPAttention : nn.Module<Tensor, Tensor?, Tensor>
{
    // Field order is the checkpoint's key order: k, v, q, out.
    public readonly Linear k_proj;
    public readonly Linear v_proj;
    public readonly Linear q_proj;
    public readonly Linear out_proj;

    private readonly int heads;

    public CLIPAttention(ICLIPEncoderConfig config, Device? device = null) : base(nameof(CLIPAttention))
    {
        var width = config.HiddenSize;
        heads = config.NumAttentionHeads;
        k_proj = nn.Linear(width, width, device: device);
        v_proj = nn.Linear(width, width, device: device);
        q_proj = nn.Linear(width, width, device: device);
        out_proj = nn.Linear(width, width, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states, Tensor? attention_mask)
    {
        using var scope = NewDisposeScope();
        var (batch, length, width) = (hidden_states.shape[0], hidden_states.shape[1], hidden_states.shape[2]);
        Tensor Heads(Tensor x) => x.view(batch, length, heads, width / heads).transpose(1, 2);

        var attended = nn.functional.scaled_dot_product_attention(
            Heads(q_proj.forward(hidden_states)), Heads(k_proj.forward(hidden_states)), Heads(v_proj.forward(hidden_states)),
            attention_mask);
        return out_proj.forward(attended.transpose(1, 2).reshape(batch, length, width)).MoveToOuterDisposeScope();
    }
}
