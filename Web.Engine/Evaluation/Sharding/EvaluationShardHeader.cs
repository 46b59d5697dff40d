namespace Clap2Diffusion.Engine.Evaluation.Sharding;

/// <summary>
/// What every shard of one evaluation must share for their merge to be the one-worker run: the settings, the
/// case list (by count and digest), the variants generated, the source, the generator and the measures.
/// </summary>
public sealed record EvaluationShardHeader
{
    public required string RunName { get; init; }
    public required long Seed { get; init; }
    public required int Resamples { get; init; }
    public required double Confidence { get; init; }
    public required int GridRows { get; init; }
    public required long Step { get; init; }
    public required int KidSubsets { get; init; }

    /// <summary>The variants generated, by name, in order (shuffled audio is left out of a one-case run).</summary>
    public required IReadOnlyList<string> Variants { get; init; }

    /// <summary>Notes made before any image (a variant left out), which the merged report carries.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    public required int TotalCases { get; init; }

    /// <summary>SHA-256 of the full case list (<see cref="EvaluationCaseDigest"/>), so that shards of different case lists never merge.</summary>
    public required string CasesDigest { get; init; }

    public required string SourceKind { get; init; }
    public required string Source { get; init; }
    public required string ReferenceName { get; init; }
    public required string Generator { get; init; }
    public string? SceneReader { get; init; }
    public string? Clip { get; init; }

    /// <summary>"FID" or the domain FID's name; null when no feature space was given.</summary>
    public string? DistanceName { get; init; }

    public string? FeatureSpace { get; init; }

    /// <summary>True when the features are pytorch-fid's Inception pool3, so the distance may be compared with published FIDs.</summary>
    public bool InceptionFeatures { get; init; }

    public string? FeatureNote { get; init; }
}
