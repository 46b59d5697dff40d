using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>
/// What transformers' CLIP towers return: the encoder output (after <c>final_layer_norm</c> for text, before
/// <c>post_layernorm</c> for vision), the pooled vector, and when asked the per-layer hidden states.
/// </summary>
public sealed record BaseModelOutputWithPooling(Tensor LastHiddenState, Tensor PoolerOutput, IReadOnlyList<Tensor>? HiddenStates);
