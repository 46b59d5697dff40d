using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>
/// The extension point for the audio adapters. Every <c>BasicTransformerBlock</c> of the UNet calls it once
/// per forward pass, after the text cross-attention residual (<c>attn2</c>) and before <c>norm3</c> and the
/// feed-forward, and continues with <c>hidden_states + result</c>.
/// </summary>
public interface ITransformerBlockHook
{
    /// <param name="site">Which block is calling.</param>
    /// <param name="hiddenStates">The block's residual stream at that point, [B, H*W, C], not normalised.
    /// Do not modify it in place.</param>
    /// <returns>A tensor broadcastable to <paramref name="hiddenStates"/> that is added to the stream, or null
    /// to leave the block exactly as diffusers computes it.</returns>
    Tensor? AfterCrossAttention(TransformerBlockSite site, Tensor hiddenStates);
}
