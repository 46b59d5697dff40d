using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>
/// The extension point for a LoRA trained beside the adapters: every attention projection of the UNet's
/// transformer blocks (<c>to_q</c>, <c>to_k</c>, <c>to_v</c>, <c>to_out.0</c> of <c>attn1</c> and <c>attn2</c>) asks
/// it for an addition to its output. The frozen projection's weights are never touched.
/// </summary>
public interface IProjectionHook
{
    /// <param name="path">The projection's state-dict path, e.g. <c>down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q</c>.</param>
    /// <param name="input">The projection's input. Do not modify it in place.</param>
    /// <returns>A tensor of the projection's output shape to add to it, or null to leave it exactly as it is.</returns>
    Tensor? Delta(string path, Tensor input);
}
