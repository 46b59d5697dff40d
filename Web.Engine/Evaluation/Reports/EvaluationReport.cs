namespace Clap2Diffusion.Engine.Evaluation.Reports;

/// <summary>
/// Everything an evaluation run found, as written to <c>report.json</c> (snake_case names). Fractions are in
/// [0, 1]; scores as their metric defines them (CLIP score 0..100, rank score 0..1 with 0.5 = chance).
/// </summary>
public sealed record EvaluationReport
{
    public const string FormatName = "clap2diffusion.evaluation.v1";

    public string Format { get; init; } = FormatName;

    public required string Run { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required string SourceKind { get; init; }

    public required string Source { get; init; }

    public required string Generator { get; init; }

    public string? SceneReader { get; init; }

    public string? Clip { get; init; }

    public required IReadOnlyList<string> Variants { get; init; }

    public required long Seed { get; init; }

    public required int Resamples { get; init; }

    public required double Confidence { get; init; }

    public required IReadOnlyList<CaseResult> Cases { get; init; }

    public required IReadOnlyList<GroupResult> Groups { get; init; }

    public required IReadOnlyList<ComparisonResult> Comparisons { get; init; }

    public required IReadOnlyList<DistanceResult> Distances { get; init; }

    public required IReadOnlyList<CheckResult> Checks { get; init; }

    /// <summary>PASS, FAIL, INCOMPLETE (some checks could not run) or NO CHECKS (no demo classifier or not the demo world).</summary>
    public required string Verdict { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>The design's success criteria (<see cref="SuccessCriteria"/>), each passed, failed or not measured with the reason.</summary>
    public IReadOnlyList<SuccessCriterion> Criteria { get; init; } = [];

    public GroupResult? Group(string scope, PairVariant variant) =>
        Groups.FirstOrDefault(g => g.Scope == scope && g.Variant == variant.Name());

    public ComparisonResult? Comparison(string scope, string metric, PairVariant variant, PairVariant baseline) =>
        Comparisons.FirstOrDefault(c => c.Scope == scope && c.Metric == metric && c.Variant == variant.Name() && c.Baseline == baseline.Name());
}

/// <param name="AudioScene">Demo world: the scene labels of the audio (shape, color, foreground, background, ambience).</param>
/// <param name="Expected">Demo world: the labels a good image shows.</param>
public sealed record CaseResult(string Id, string? Relation, string Prompt, string AudioCaption, long Seed,
    IReadOnlyDictionary<string, string>? AudioScene, IReadOnlyDictionary<string, string>? Expected, IReadOnlyList<ImageResult> Images);

/// <param name="File">The saved PNG, relative to the report folder.</param>
/// <param name="Predicted">What the scene reader saw, per head.</param>
/// <param name="Hits">1/0 per accuracy metric (see <see cref="SceneAccuracy"/>).</param>
/// <param name="ClipScore">100·cos(image, prompt).</param>
/// <param name="Alignment">100·cos(image, caption of the case's own audio).</param>
/// <param name="AlignmentRank">Share of other cases' captions less similar to the image than its own.</param>
public sealed record ImageResult(string Variant, string File, double Seconds, string? AssignedRelation,
    IReadOnlyDictionary<string, string>? Predicted, IReadOnlyDictionary<string, double>? Confidence, IReadOnlyDictionary<string, double>? Hits,
    double? ClipScore, double? Alignment, double? AlignmentRank);

/// <summary>The cases of one scope ("all" or a relation) under one variant, each metric with its bootstrap interval.</summary>
public sealed record GroupResult(string Scope, string Variant, int Cases, IReadOnlyDictionary<string, Estimate> Metrics)
{
    public Estimate? this[string metric] => Metrics.GetValueOrDefault(metric);
}

/// <summary><see cref="Variant"/> minus <see cref="Baseline"/> on the same cases (a paired bootstrap interval).</summary>
public sealed record ComparisonResult(string Scope, string Metric, string Variant, string Baseline, Estimate Difference);

/// <summary>A Fréchet distance of one variant's images to the reference set, with KID beside it.</summary>
/// <param name="Name">"FID", or "domain FID (demo classifier features), not FID".</param>
/// <param name="Note">Why the value is not comparable with published FIDs.</param>
public sealed record DistanceResult(string Variant, string Name, double Value, string Reference, long ReferenceCount, long CandidateCount,
    string FeatureSpace, string? Note, KidSummary? Kid)
{
    public string Summary => FormattableString.Invariant(
        $"{Name} of {Variant} images (N={CandidateCount}) against '{Reference}' (N={ReferenceCount}): {Value:F4}") +
        (Note is null ? "" : $"; {Note}") +
        (Kid is null ? "" : FormattableString.Invariant($"; KID {Kid.Value:F5} ± {Kid.SubsetStandardDeviation:F5} ({Kid.Subsets} subsets of {Kid.SubsetSize})"));
}

public sealed record KidSummary(double Value, double SubsetStandardDeviation, int Subsets, int SubsetSize);

/// <summary>One acceptance check of the demo-world issue.</summary>
/// <param name="Status">PASS, FAIL or NOT RUN.</param>
public sealed record CheckResult(string Id, string Name, string Status, double? Value, double Threshold, string Detail)
{
    public const string Pass = "PASS";
    public const string Fail = "FAIL";
    public const string NotRun = "NOT RUN";

    public string Line => $"{Status,-7} {Name}: {Detail}";
}
