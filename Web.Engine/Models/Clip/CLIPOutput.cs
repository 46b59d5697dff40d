using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>
/// <c>CLIPModel.forward</c>'s result: <c>logits_per_image</c> [images, texts] = exp(logit_scale) times the
/// cosine similarities, its transpose, and the (unnormalised) projected embeddings.
/// </summary>
public sealed record CLIPOutput(Tensor LogitsPerImage, Tensor LogitsPerText, Tensor TextEmbeds, Tensor ImageEmbeds);
