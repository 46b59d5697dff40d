using Clap2Diffusion.Engine.Models.Layers;
using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// diffusers' <c>Attention</c> with the <c>AttnProcessor2_0</c> computation (scaled dot-product attention,
/// scale head_dim^-0.5). The UNet uses it as self- and cross-attention on token sequences; the VAE mid block
/// uses it on feature maps with a group norm and a residual connection.
/// </summary>
public sealed class Attention : nn.Module
{
    public readonly nn.Module<Tensor, Tensor>? group_norm;
    public readonly nn.Module<Tensor, Tensor> to_q;
    public readonly nn.Module<Tensor, Tensor> to_k;
    public readonly nn.Module<Tensor, Tensor> to_v;
    public readonly ModuleList<nn.Module<Tensor, Tensor>> to_out;

    private readonly long heads;
    private readonly bool residual_connection;
    private readonly double rescale_output_factor;

    public Attention(
        long query_dim,
        long? cross_attention_dim = null,
        long heads = 8,
        long dim_head = 64,
        bool bias = false,
        bool out_bias = true,
        long? norm_num_groups = null,
        double eps = 1e-5,
        double rescale_output_factor = 1.0,
        bool residual_connection = false,
        Device? device = null) : base(nameof(Attention))
    {
        var inner_dim = dim_head * heads;
        this.heads = heads;
        this.residual_connection = residual_connection;
        this.rescale_output_factor = rescale_output_factor;
        if (norm_num_groups is { } groups)
            group_norm = Norms.GroupNorm(groups, query_dim, eps, affine: true, device: device);
        var context_dim = cross_attention_dim ?? query_dim;
        to_q = nn.Linear(query_dim, inner_dim, hasBias: bias, device: device);
        to_k = nn.Linear(context_dim, inner_dim, hasBias: bias, device: device);
        to_v = nn.Linear(context_dim, inner_dim, hasBias: bias, device: device);
        to_out = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            nn.Linear(inner_dim, query_dim, hasBias: out_bias, device: device),
            nn.Dropout(0.0));
        RegisterComponents();
    }

    /// <param name="hidden_states">[B, N, C] tokens, or a [B, C, H, W] feature map (VAE).</param>
    /// <param name="encoder_hidden_states">[B, M, D] context for cross-attention; null for self-attention.</param>
    /// <param name="attention_mask">Optional additive mask broadcast to [B, heads, queries, keys] (0 keeps, -inf drops).</param>
    /// <param name="projections">Optional LoRA on the projections, asked with <paramref name="path"/>.<c>to_q</c> and so on.</param>
    /// <param name="path">This attention's state-dict path, for <paramref name="projections"/>.</param>
    public Tensor forward(Tensor hidden_states, Tensor? encoder_hidden_states = null, Tensor? attention_mask = null,
        Unets.IProjectionHook? projections = null, string? path = null)
    {
        using var scope = NewDisposeScope();
        var residual = hidden_states;
        var input_ndim = hidden_states.ndim;
        long channel = 0, height = 0, width = 0;
        if (input_ndim == 4)
        {
            (channel, height, width) = (hidden_states.shape[1], hidden_states.shape[2], hidden_states.shape[3]);
            hidden_states = hidden_states.view(hidden_states.shape[0], channel, height * width).transpose(1, 2);
        }
        var batch_size = hidden_states.shape[0];

        if (group_norm is not null)
            hidden_states = group_norm.forward(hidden_states.transpose(1, 2)).transpose(1, 2);

        var query = Project(to_q, "to_q", hidden_states, projections, path);
        var context = encoder_hidden_states ?? hidden_states;
        var key = Project(to_k, "to_k", context, projections, path);
        var value = Project(to_v, "to_v", context, projections, path);

        var head_dim = key.shape[^1] / heads;
        query = query.view(batch_size, -1, heads, head_dim).transpose(1, 2);
        key = key.view(batch_size, -1, heads, head_dim).transpose(1, 2);
        value = value.view(batch_size, -1, heads, head_dim).transpose(1, 2);

        hidden_states = nn.functional.scaled_dot_product_attention(query, key, value, attention_mask);
        hidden_states = hidden_states.transpose(1, 2).reshape(batch_size, -1, heads * head_dim);

        hidden_states = Project(to_out[0], "to_out.0", hidden_states, projections, path);
        hidden_states = to_out[1].forward(hidden_states);

        if (input_ndim == 4)
            hidden_states = hidden_states.transpose(-1, -2).reshape(batch_size, channel, height, width);
        if (residual_connection)
            hidden_states = hidden_states.add(residual, Scalars.One);
        if (rescale_output_factor != 1.0)
            hidden_states = Scalars.DividedBy(hidden_states, rescale_output_factor);
        return scope.MoveToOuter(hidden_states);
    }

    private static Tensor Project(nn.Module<Tensor, Tensor> projection, string name, Tensor input, Unets.IProjectionHook? projections, string? path)
    {
        var output = projection.forward(input);
        return projections is not null && path is not null && projections.Delta($"{path}.{name}", input) is { } delta
            ? output.add(delta, Scalars.One)
            : output;
    }
}
