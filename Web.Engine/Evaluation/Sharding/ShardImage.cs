using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Models.Classifiers;

namespace Clap2Diffusion.Engine.Evaluation.Sharding;

/// <summary>One generated image of a shard and what was measured on it: all the merge needs of it.</summary>
/// <param name="File">images/&lt;case&gt;/&lt;variant&gt;.png, relative to the shard's image folder and to the merged report folder.</param>
/// <param name="ClipEmbedding">The CLIP image embedding, not normalised; null without CLIP.</param>
/// <param name="Features">The image's row in the distance's feature space; null without one.</param>
public sealed record ShardImage(string Variant, string File, int Width, int Height, double Seconds, PromptAudioRelation? AssignedRelation,
    ScenePrediction? Prediction, IReadOnlyDictionary<string, double>? Hits, float[]? ClipEmbedding, double[]? Features);
