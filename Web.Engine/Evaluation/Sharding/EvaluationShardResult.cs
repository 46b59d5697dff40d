using Clap2Diffusion.Engine.Evaluation.Fid;

namespace Clap2Diffusion.Engine.Evaluation.Sharding;

/// <summary>
/// What one shard of an evaluation hands to the merge: the shared header, its cases with every per-image record,
/// and per variant the FID sufficient statistics of its images (plus those of its cases' reference images).
/// Written and read by <see cref="EvaluationShardFile"/>; merged by <see cref="EvaluationMerge"/>.
/// </summary>
public sealed record EvaluationShardResult
{
    public const string FormatName = "clap2diffusion.evaluation-shard";
    public const int CurrentVersion = 1;

    public string Format { get; init; } = FormatName;

    public int Version { get; init; } = CurrentVersion;

    public required EvaluationShardHeader Header { get; init; }

    /// <summary>The shard's cases, in ascending index order.</summary>
    public required IReadOnlyList<ShardCase> Cases { get; init; }

    /// <summary>By variant name; a variant without feature rows in the shard has none. Empty without a feature space.</summary>
    public required IReadOnlyDictionary<string, FidSufficientStatistics> VariantStatistics { get; init; }

    /// <summary>Of the shard's cases' reference images; null when none has one or there is no feature space.</summary>
    public FidSufficientStatistics? ReferenceStatistics { get; init; }

    /// <summary>
    /// In a file, where the shard's images/ folder lies, relative to the file's folder ("." when they share it);
    /// set by <see cref="EvaluationShardFile.Write"/>. Null in memory.
    /// </summary>
    public string? ImageFolder { get; init; }
}
