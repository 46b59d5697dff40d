using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// Pre-LayerNorm transformer block of the SD UNet: self-attention, cross-attention on the text context, and a
/// GEGLU feed-forward, each with a residual. Between the cross-attention and the feed-forward it calls the
/// UNet's <see cref="ITransformerBlockHook"/>, if one is given, which is where the audio adapters attach.
/// </summary>
public sealed class BasicTransformerBlock : nn.Module
{
    public readonly nn.Module<Tensor, Tensor> norm1;
    public readonly Attention attn1;
    public readonly nn.Module<Tensor, Tensor> norm2;
    public readonly Attention attn2;
    public readonly nn.Module<Tensor, Tensor> norm3;
    public readonly FeedForward ff;

    private readonly string? attn1Path;
    private readonly string? attn2Path;

    public BasicTransformerBlock(
        long dim,
        long num_attention_heads,
        long attention_head_dim,
        long cross_attention_dim,
        bool attention_bias = false,
        double norm_eps = 1e-5,
        TransformerBlockSite? site = null,
        Device? device = null) : base(nameof(BasicTransformerBlock))
    {
        Site = site;
        attn1Path = site is null ? null : $"{site.Path}.attn1";
        attn2Path = site is null ? null : $"{site.Path}.attn2";
        norm1 = nn.LayerNorm(dim, norm_eps, elementwise_affine: true, device: device);
        attn1 = new Attention(dim, heads: num_attention_heads, dim_head: attention_head_dim, bias: attention_bias, device: device);
        norm2 = nn.LayerNorm(dim, norm_eps, elementwise_affine: true, device: device);
        attn2 = new Attention(dim, cross_attention_dim, num_attention_heads, attention_head_dim, bias: attention_bias, device: device);
        norm3 = nn.LayerNorm(dim, norm_eps, elementwise_affine: true, device: device);
        ff = new FeedForward(dim, device: device);
        RegisterComponents();
    }

    /// <summary>Where this block sits in its UNet; null when built outside one.</summary>
    public TransformerBlockSite? Site { get; }

    public Tensor forward(Tensor hidden_states, Tensor encoder_hidden_states, UNetHooks? hooks = null)
    {
        using var scope = NewDisposeScope();
        var observer = hooks?.Observer;

        var projections = hooks?.Projections;
        hidden_states = attn1.forward(norm1.forward(hidden_states), projections: projections, path: attn1Path).add(hidden_states, Scalars.One);
        Observe(observer, "attn1", hidden_states);

        hidden_states = attn2.forward(norm2.forward(hidden_states), encoder_hidden_states, projections: projections, path: attn2Path).add(hidden_states, Scalars.One);
        Observe(observer, "attn2", hidden_states);

        if (hooks?.TransformerBlocks is { } hook && Site is { } site && hook.AfterCrossAttention(site, hidden_states) is { } added)
            hidden_states = hidden_states.add(added, Scalars.One);

        hidden_states = ff.forward(norm3.forward(hidden_states)).add(hidden_states, Scalars.One);
        Observe(observer, "ff", hidden_states);
        return scope.MoveToOuter(hidden_states);
    }

    private void Observe(ActivationObserver? observer, string part, Tensor value)
    {
        if (observer is not null && Site is { } site)
            observer($"{site.Path}.{part}", value);
    }
}
