using System.Globalization;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// The demo-world issue's acceptance checks, evaluated on a run's point estimates (the intervals are reported
/// beside them). Complementary prompts name no scene element, so there the audio is the only source of the
/// scene: that is where the audio's gain and the routing ablations are judged. A nulled level "loses its
/// accuracy" when its accuracy falls by at least <see cref="RoutingLoss"/> against the full audio; a level
/// absent from a case's audio stays right when nulled, which bounds the possible loss at about the share of
/// cases where the level is present (75% in the demo world).
/// </summary>
public static class AcceptanceChecks
{
    public const double ObjectAccuracy = 0.90;
    public const double LevelGain = 0.40;
    public const double PooledElementAccuracy = 0.80;
    public const int MinimumPairsPerRelation = 25;
    public const double RoutingLoss = 0.40;

    private static readonly string Complementary = EvaluationSummary.RelationName(PromptAudioRelation.Complementary)!;

    public static IReadOnlyList<CheckResult> Evaluate(IReadOnlyList<GroupResult> groups, IReadOnlyList<ComparisonResult> comparisons,
        IReadOnlyList<EvaluationCase> cases)
    {
        var checks = new List<CheckResult>();
        var objectMetric = EvaluationSummary.AccuracyMetric(SceneAccuracy.Object);
        foreach (var variant in new[] { PairVariant.TextOnly, PairVariant.Audio })
        {
            var estimate = Find(groups, EvaluationSummary.AllScope, variant)?[objectMetric];
            checks.Add(AtLeast($"object-{variant.Name()}", $"object accuracy, {Label(variant)}, all relations", estimate, ObjectAccuracy));
        }

        foreach (var level in Enum.GetValues<AudioLevel>())
        {
            var metric = EvaluationSummary.AccuracyMetric(SceneAccuracy.MetricOf(level));
            var gain = Difference(comparisons, Complementary, metric, PairVariant.Audio, PairVariant.TextOnly);
            checks.Add(AtLeast($"gain-{SceneAccuracy.MetricOf(level)}", $"complementary: {SceneAccuracy.MetricOf(level)} accuracy gain with audio over text only",
                gain, LevelGain, points: true));
        }
        var pooled = Find(groups, Complementary, PairVariant.Audio)?[EvaluationSummary.AccuracyMetric(SceneAccuracy.Elements)];
        checks.Add(AtLeast("elements-audio", "complementary: element accuracy with audio, three levels pooled", pooled, PooledElementAccuracy));

        var fewest = Enum.GetValues<PromptAudioRelation>()
            .Select(r => (Relation: r, Count: cases.Count(c => c.Relation == r)))
            .MinBy(p => p.Count);
        checks.Add(new CheckResult("pairs-per-relation", "test pairs per relation", fewest.Count >= MinimumPairsPerRelation ? CheckResult.Pass : CheckResult.Fail,
            fewest.Count, MinimumPairsPerRelation,
            string.Create(CultureInfo.InvariantCulture, $"fewest: {fewest.Count} {EvaluationSummary.RelationName(fewest.Relation)} (need ≥ {MinimumPairsPerRelation} each)")));

        foreach (var level in Enum.GetValues<AudioLevel>())
        {
            var name = SceneAccuracy.MetricOf(level);
            var change = Difference(comparisons, Complementary, EvaluationSummary.AccuracyMetric(name), PairVariants.NullingVariant(level), PairVariant.Audio);
            var loss = change?.Map(v => -v);
            var flipped = loss is null ? null : loss with { Low = loss.High, High = loss.Low };
            checks.Add(AtLeast($"routing-{name}", $"complementary: nulling the {name} level loses its accuracy", flipped, RoutingLoss, points: true));
        }
        return checks;
    }

    public static string Verdict(IReadOnlyList<CheckResult> checks) =>
        checks.Count == 0 ? "NO CHECKS"
        : checks.Any(c => c.Status == CheckResult.Fail) ? CheckResult.Fail
        : checks.Any(c => c.Status == CheckResult.NotRun) ? "INCOMPLETE"
        : CheckResult.Pass;

    private static CheckResult AtLeast(string id, string name, Estimate? estimate, double threshold, bool points = false)
    {
        string Show(double v) => points
            ? string.Create(CultureInfo.InvariantCulture, $"{100 * v:+0.0;-0.0;0.0} points")
            : string.Create(CultureInfo.InvariantCulture, $"{100 * v:0.0}%");
        if (estimate is null)
            return new CheckResult(id, name, CheckResult.NotRun, null, threshold, $"not measured (needs the variants it compares and a scene reader); need ≥ {Show(threshold)}");
        var status = estimate.Mean >= threshold - 1e-12 ? CheckResult.Pass : CheckResult.Fail;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{Show(estimate.Mean)} (CI {Show(estimate.Low)} to {Show(estimate.High)}, n={estimate.Count}); need ≥ {Show(threshold)}");
        return new CheckResult(id, name, status, estimate.Mean, threshold, detail);
    }

    private static GroupResult? Find(IReadOnlyList<GroupResult> groups, string scope, PairVariant variant) =>
        groups.FirstOrDefault(g => g.Scope == scope && g.Variant == variant.Name());

    private static Estimate? Difference(IReadOnlyList<ComparisonResult> comparisons, string scope, string metric, PairVariant variant, PairVariant baseline) =>
        comparisons.FirstOrDefault(c => c.Scope == scope && c.Metric == metric && c.Variant == variant.Name() && c.Baseline == baseline.Name())?.Difference;

    private static string Label(PairVariant variant) => variant == PairVariant.TextOnly ? "text only" : "audio-conditioned";
}
