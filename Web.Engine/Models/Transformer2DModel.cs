using Clap2Diffusion.Engine.Models.Layers;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// diffusers' <c>Transformer2DModel</c> for continuous input: group norm (eps 1e-6), projection in (a 1x1
/// convolution before flattening, or a linear layer after it), transformer blocks over the H*W tokens in
/// row-major order, projection out, residual.
/// </summary>
public sealed class Transformer2DModel : nn.Module
{
    public readonly nn.Module<Tensor, Tensor> norm;
    public readonly nn.Module<Tensor, Tensor> proj_in;
    public readonly ModuleList<BasicTransformerBlock> transformer_blocks;
    public readonly nn.Module<Tensor, Tensor> proj_out;

    private readonly bool use_linear_projection;
    private readonly string? path;

    /// <param name="siteOf">Gives the UNet site of transformer block <c>d</c> (null outside a UNet).</param>
    /// <param name="path">This module's state-dict path, for observed activations.</param>
    public Transformer2DModel(
        long num_attention_heads,
        long attention_head_dim,
        long in_channels,
        long cross_attention_dim,
        long num_layers = 1,
        long norm_num_groups = 32,
        bool use_linear_projection = false,
        Func<int, TransformerBlockSite>? siteOf = null,
        string? path = null,
        Device? device = null) : base(nameof(Transformer2DModel))
    {
        this.use_linear_projection = use_linear_projection;
        this.path = path;
        var inner_dim = num_attention_heads * attention_head_dim;
        norm = Norms.GroupNorm(norm_num_groups, in_channels, 1e-6, affine: true, device: device);
        proj_in = use_linear_projection
            ? nn.Linear(in_channels, inner_dim, device: device)
            : OneDnn.Register(() => nn.Conv2d(in_channels, inner_dim, 1, device: device));
        transformer_blocks = new ModuleList<BasicTransformerBlock>();
        for (var d = 0; d < num_layers; d++)
            transformer_blocks.Add(new BasicTransformerBlock(inner_dim, num_attention_heads, attention_head_dim,
                cross_attention_dim, site: siteOf?.Invoke(d), device: device));
        proj_out = use_linear_projection
            ? nn.Linear(inner_dim, in_channels, device: device)
            : OneDnn.Register(() => nn.Conv2d(inner_dim, in_channels, 1, device: device));
        RegisterComponents();
    }

    public Tensor forward(Tensor hidden_states, Tensor encoder_hidden_states, UNetHooks? hooks = null)
    {
        using var scope = NewDisposeScope();
        var (batch, height, width) = (hidden_states.shape[0], hidden_states.shape[2], hidden_states.shape[3]);
        var residual = hidden_states;

        hidden_states = norm.forward(hidden_states);
        if (!use_linear_projection)
        {
            hidden_states = proj_in.forward(hidden_states);
            hidden_states = hidden_states.permute(0, 2, 3, 1).reshape(batch, height * width, hidden_states.shape[1]);
        }
        else
        {
            hidden_states = hidden_states.permute(0, 2, 3, 1).reshape(batch, height * width, hidden_states.shape[1]);
            hidden_states = proj_in.forward(hidden_states);
        }
        Observe(hooks, "proj_in", hidden_states);

        foreach (var block in transformer_blocks)
            hidden_states = block.forward(hidden_states, encoder_hidden_states, hooks);

        if (!use_linear_projection)
        {
            hidden_states = hidden_states.reshape(batch, height, width, hidden_states.shape[^1]).permute(0, 3, 1, 2).contiguous();
            hidden_states = proj_out.forward(hidden_states);
        }
        else
        {
            hidden_states = proj_out.forward(hidden_states);
            hidden_states = hidden_states.reshape(batch, height, width, hidden_states.shape[^1]).permute(0, 3, 1, 2).contiguous();
        }
        return scope.MoveToOuter(hidden_states.add(residual, Scalars.One));
    }

    private void Observe(UNetHooks? hooks, string part, Tensor value)
    {
        if (hooks?.Observer is { } observer && path is not null)
            observer($"{path}.{part}", value);
    }
}
