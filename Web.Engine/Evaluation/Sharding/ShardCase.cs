namespace Clap2Diffusion.Engine.Evaluation.Sharding;

/// <summary>
/// One case of a shard: its index in the full list, the case itself, its images in variant order, and what the
/// merge needs that belongs to the case rather than to an image: the FID reference image's features (the
/// reference set is per case in every source) and the CLIP text embeddings of its prompt and audio caption.
/// </summary>
public sealed record ShardCase(int Index, EvaluationCase Case, IReadOnlyList<ShardImage> Images, double[]? ReferenceFeatures,
    float[]? PromptEmbedding, float[]? CaptionEmbedding);
