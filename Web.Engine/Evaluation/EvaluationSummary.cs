using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Evaluation.Reports;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// Turns per-image measurements into means with bootstrap intervals: for every scope (all cases, then each
/// relation) and variant, and as paired differences on the same cases: audio minus text-only (the audio's
/// gain), and every ablation minus audio (what the ablation loses).
/// </summary>
public static class EvaluationSummary
{
    public const string AllScope = "all";
    public const string UnassignedScope = "unassigned";
    public const string ClipScoreMetric = "clip_score";
    public const string AlignmentMetric = "alignment/clip";
    public const string AlignmentRankMetric = "alignment/rank";
    public const string SecondsMetric = "seconds";

    /// <summary>Demo world: how often the pipeline's assigned relation is the case's true one (with the case's own audio).</summary>
    public const string RelationAgreementMetric = "relation/agreement";

    /// <summary>
    /// Synthetic world, contradictory cases: how often the image shows the element the prompt names on the level where
    /// it and the sound disagree, and how often the sound's element there instead. The accuracies hold a contradictory
    /// case to the sound's element; these read the same images from the prompt's side, which the composition strategy favours.
    /// </summary>
    public const string PromptElementMetric = "conflict/prompt_element";

    public const string AudioElementMetric = "conflict/audio_element";

    public static string AccuracyMetric(string attribute) => $"accuracy/{attribute}";

    public static string? RelationName(PromptAudioRelation? relation) => relation?.Name();

    /// <summary>The scopes in report order: all, the four relations, then unassigned (dataset cases whose generator named no relation).</summary>
    public static IReadOnlyList<string> Scopes { get; } =
        [AllScope, .. Enum.GetValues<PromptAudioRelation>().Select(r => RelationName(r)!), UnassignedScope];

    internal static (List<GroupResult> Groups, List<ComparisonResult> Comparisons) Build(IReadOnlyList<EvaluationCase> cases,
        List<ImageRecord> records, IReadOnlyList<PairVariant> variants, EvaluationSettings settings)
    {
        var scopeOf = cases.ToDictionary(c => c.Id, c => ScopeOf(c, records));
        var images = records.ToDictionary(r => (r.Case.Id, r.Variant));
        var groups = new List<GroupResult>();
        var comparisons = new List<ComparisonResult>();
        foreach (var scope in Scopes)
        {
            var inScope = cases.Where(c => scope == AllScope || scopeOf[c.Id] == scope).ToList();
            if (inScope.Count == 0)
                continue;
            foreach (var variant in variants)
            {
                var rows = inScope.Select(c => images.GetValueOrDefault((c.Id, variant))).OfType<ImageRecord>().ToList();
                if (rows.Count == 0)
                    continue;
                var metrics = new Dictionary<string, Estimate>(StringComparer.Ordinal);
                foreach (var (metric, read) in Metrics(includeSeconds: true))
                {
                    var values = rows.Select(read).ToList();
                    if (values.Any(v => v is null))
                        continue;
                    var estimate = Bootstrap.Mean(values.Select(v => v!.Value).ToList(),
                        Bootstrap.SeedFor((ulong)settings.Seed, $"{scope}/{variant.Name()}/{metric}"), settings.Resamples, settings.Confidence);
                    if (estimate is not null)
                        // torchmetrics clamps the mean CLIP score at 0; clamping is monotonic, so the interval clamps alike.
                        metrics[metric] = metric == ClipScoreMetric ? estimate.Map(v => Math.Max(v, 0)) : estimate;
                }
                groups.Add(new GroupResult(scope, variant.Name(), rows.Count, metrics));
            }
            foreach (var (variant, baseline) in Pairs(variants))
                comparisons.AddRange(Compare(scope, inScope, images, variant, baseline, settings));
        }
        return (groups, comparisons);
    }

    private static IEnumerable<(PairVariant Variant, PairVariant Baseline)> Pairs(IReadOnlyList<PairVariant> variants)
    {
        if (!variants.Contains(PairVariant.Audio))
            yield break;
        if (variants.Contains(PairVariant.TextOnly))
            yield return (PairVariant.Audio, PairVariant.TextOnly);
        foreach (var ablation in variants.Where(v => v is not (PairVariant.Audio or PairVariant.TextOnly)))
            yield return (ablation, PairVariant.Audio);
    }

    private static IEnumerable<ComparisonResult> Compare(string scope, List<EvaluationCase> inScope,
        Dictionary<(string, PairVariant), ImageRecord> images, PairVariant variant, PairVariant baseline, EvaluationSettings settings)
    {
        var pairs = inScope
            .Select(c => (A: images.GetValueOrDefault((c.Id, variant)), B: images.GetValueOrDefault((c.Id, baseline))))
            .Where(p => p.A is not null && p.B is not null)
            .ToList();
        foreach (var (metric, read) in Metrics(includeSeconds: false))
        {
            var a = pairs.Select(p => read(p.A!)).ToList();
            var b = pairs.Select(p => read(p.B!)).ToList();
            if (a.Count == 0 || a.Any(v => v is null) || b.Any(v => v is null))
                continue;
            var difference = Bootstrap.PairedDifference(a.Select(v => v!.Value).ToList(), b.Select(v => v!.Value).ToList(),
                Bootstrap.SeedFor((ulong)settings.Seed, $"{scope}/{variant.Name()}-{baseline.Name()}/{metric}"), settings.Resamples, settings.Confidence);
            if (difference is not null)
                yield return new ComparisonResult(scope, metric, variant.Name(), baseline.Name(), difference);
        }
    }

    private static IEnumerable<(string Metric, Func<ImageRecord, double?> Read)> Metrics(bool includeSeconds)
    {
        foreach (var attribute in SceneAccuracy.Metrics)
            yield return (AccuracyMetric(attribute), r => r.Hits is { } hits ? hits[attribute] : null);
        yield return (ClipScoreMetric, r => r.ClipScore);
        yield return (AlignmentMetric, r => r.Alignment);
        yield return (AlignmentRankMetric, r => r.AlignmentRank);
        yield return (RelationAgreementMetric, r => r.Case.Relation is { } truth && r.AssignedRelation is { } assigned && r.Variant != PairVariant.ShuffledAudio
            ? (assigned == truth ? 1 : 0)
            : null);
        yield return (PromptElementMetric, r => Conflict(r) is var (level, prompt, _) ? (r.Prediction!.Labels[level] == prompt ? 1 : 0) : null);
        yield return (AudioElementMetric, r => Conflict(r) is var (level, _, audio) ? (r.Prediction!.Labels[level] == audio ? 1 : 0) : null);
        if (includeSeconds)
            yield return (SecondsMetric, r => r.Seconds);
    }

    /// <summary>The level a contradictory case's prompt and sound disagree on, with both elements; null for any other image.</summary>
    private static (string Level, string Prompt, string Audio)? Conflict(ImageRecord record)
    {
        if (record is not { Case: { Relation: PromptAudioRelation.Contradictory, PromptLabels: { Count: 1 } named, AudioLabels: { } audio }, Prediction: not null })
            return null;
        var (level, prompt) = named.First();
        return audio.TryGetValue(level, out var heard) ? (level, prompt, heard) : null;
    }

    // The demo world knows each case's relation; for a dataset, the relation the pipeline assigned with the case's own audio.
    private static string ScopeOf(EvaluationCase evaluationCase, List<ImageRecord> records)
    {
        if (evaluationCase.Relation is { } known)
            return RelationName(known)!;
        var own = records.Where(r => r.Case.Id == evaluationCase.Id).ToList();
        var assigned = own.FirstOrDefault(r => r.Variant == PairVariant.Audio)?.AssignedRelation
            ?? own.Select(r => r.AssignedRelation).FirstOrDefault(r => r is not null);
        return RelationName(assigned) ?? UnassignedScope;
    }
}
