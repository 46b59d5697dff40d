namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>Optional callbacks for one UNet forward pass; with none set the computation is diffusers' exactly.</summary>
public sealed class UNetHooks
{
    /// <summary>Called by every transformer block after its cross-attention; see <see cref="ITransformerBlockHook"/>.</summary>
    public ITransformerBlockHook? TransformerBlocks { get; init; }

    /// <summary>Asked by every attention projection of the transformer blocks; see <see cref="IProjectionHook"/>.</summary>
    public IProjectionHook? Projections { get; init; }

    /// <summary>
    /// Receives activations named by module path: <c>time_proj</c>, <c>time_embedding</c>, <c>conv_in</c>, each
    /// resnet, attention, sampler and block output, the parts of each transformer block
    /// (<c>….transformer_blocks.0.attn1</c>, <c>.attn2</c>, <c>.ff</c>), <c>conv_norm_out</c>, <c>conv_out</c>.
    /// </summary>
    public ActivationObserver? Observer { get; init; }
}
