using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

public sealed class AcceptanceCheckTests
{
    private static Estimate At(double mean) => new(mean, mean - 0.05, mean + 0.05, 25);

    private static List<EvaluationCase> Cases(int perRelation) => Enum.GetValues<PromptAudioRelation>()
        .SelectMany(r => Enumerable.Range(0, perRelation).Select(k => new EvaluationCase($"{r}-{k}", "p", "c", k, r))).ToList();

    private static GroupResult Group(string scope, PairVariant variant, params (string Attribute, double Value)[] values) =>
        new(scope, variant.Name(), 25, values.ToDictionary(v => EvaluationSummary.AccuracyMetric(v.Attribute), v => At(v.Value)));

    private static ComparisonResult Difference(PairVariant variant, PairVariant baseline, string attribute, double value) =>
        new("complementary", EvaluationSummary.AccuracyMetric(attribute), variant.Name(), baseline.Name(), At(value));

    private static (List<GroupResult>, List<ComparisonResult>) Passing(double objectAccuracy = 0.90, double gain = 0.40, double pooled = 0.80, double loss = -0.40)
    {
        List<GroupResult> groups =
        [
            Group("all", PairVariant.TextOnly, (SceneAccuracy.Object, objectAccuracy)),
            Group("all", PairVariant.Audio, (SceneAccuracy.Object, 0.95)),
            Group("complementary", PairVariant.Audio, (SceneAccuracy.Elements, pooled)),
        ];
        var comparisons = new List<ComparisonResult>();
        foreach (var level in new[] { SceneAttributes.Foreground, SceneAttributes.Background, SceneAttributes.Ambience })
            comparisons.Add(Difference(PairVariant.Audio, PairVariant.TextOnly, level, gain));
        comparisons.Add(Difference(PairVariant.NullForeground, PairVariant.Audio, SceneAttributes.Foreground, loss));
        comparisons.Add(Difference(PairVariant.NullBackground, PairVariant.Audio, SceneAttributes.Background, -0.7));
        comparisons.Add(Difference(PairVariant.NullAmbience, PairVariant.Audio, SceneAttributes.Ambience, -0.7));
        return (groups, comparisons);
    }

    [Fact]
    public void Values_exactly_at_the_thresholds_pass()
    {
        var (groups, comparisons) = Passing();

        var checks = AcceptanceChecks.Evaluate(groups, comparisons, Cases(25));

        Assert.All(checks, c => Assert.Equal(CheckResult.Pass, c.Status));
        Assert.Equal(10, checks.Count);
        Assert.Equal("PASS", AcceptanceChecks.Verdict(checks));
        Assert.Contains("90.0%", checks.Single(c => c.Id == "object-text_only").Detail);
        Assert.Contains("+40.0 points", checks.Single(c => c.Id == "routing-foreground").Detail);
    }

    [Theory]
    [InlineData("object-text_only", 0.899, 0.40, 0.80, -0.40)]
    [InlineData("gain-background", 0.90, 0.399, 0.80, -0.40)]
    [InlineData("elements-audio", 0.90, 0.40, 0.799, -0.40)]
    [InlineData("routing-foreground", 0.90, 0.40, 0.80, -0.399)]
    public void A_value_just_short_of_its_threshold_fails_its_check_and_the_run(string failing, double objectAccuracy, double gain, double pooled, double loss)
    {
        var (groups, comparisons) = Passing(objectAccuracy, gain, pooled, loss);

        var checks = AcceptanceChecks.Evaluate(groups, comparisons, Cases(25));

        Assert.Equal(CheckResult.Fail, checks.Single(c => c.Id == failing).Status);
        Assert.Equal("FAIL", AcceptanceChecks.Verdict(checks));
    }

    [Fact]
    public void Too_few_pairs_fail_and_missing_ablations_leave_their_checks_not_run()
    {
        var (groups, comparisons) = Passing();
        comparisons.RemoveAll(c => c.Baseline == "audio");

        var checks = AcceptanceChecks.Evaluate(groups, comparisons, Cases(24));

        Assert.Equal(CheckResult.Fail, checks.Single(c => c.Id == "pairs-per-relation").Status);
        Assert.Equal(24, checks.Single(c => c.Id == "pairs-per-relation").Value);
        Assert.All(checks.Where(c => c.Id.StartsWith("routing-", StringComparison.Ordinal)), c => Assert.Equal(CheckResult.NotRun, c.Status));
        Assert.Equal("INCOMPLETE", AcceptanceChecks.Verdict(checks.Where(c => c.Status != CheckResult.Fail).ToList()));
        Assert.Equal("NO CHECKS", AcceptanceChecks.Verdict([]));
    }
}
