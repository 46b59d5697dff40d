using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

public sealed class EvaluationRunTests
{
    private static string Accuracy(string attribute) => EvaluationSummary.AccuracyMetric(attribute);

    private static string Accuracy(AudioLevel level) => EvaluationSummary.AccuracyMetric(SceneAccuracy.MetricOf(level));

    [Fact]
    public void A_faithful_generator_passes_every_check_with_the_numbers_counted_from_the_cases()
    {
        using var folder = new TempFolder("eval-pass");

        var run = DemoRun.Execute(folder.Path, perRelation: 25);

        Assert.Equal("PASS", run.Report.Verdict);
        Assert.All(run.Report.Checks, c => Assert.Equal(CheckResult.Pass, c.Status));
        Assert.Equal(100 * PairVariants.All.Count, run.Report.Cases.Sum(c => c.Images.Count));
        var complementary = run.Source.Cases.Where(c => c.Relation == PromptAudioRelation.Complementary).ToList();
        Assert.Equal(25, complementary.Count);
        foreach (var scope in EvaluationSummary.Scopes.Take(5))
            foreach (var attribute in SceneAccuracy.Metrics)
                Assert.Equal(1.0, run.Mean(scope, PairVariant.Audio, Accuracy(attribute)), 12);
        foreach (var level in Enum.GetValues<AudioLevel>())
        {
            // Text alone draws no scene for a complementary prompt: right only where the audio's level is empty.
            var empty = complementary.Count(c => SceneLabels.SceneOf(c.ExpectedLabels!).Element(level) is null) / 25.0;
            Assert.Equal(empty, run.Mean("complementary", PairVariant.TextOnly, Accuracy(level)), 12);
            Assert.Equal(empty, run.Mean("complementary", PairVariants.NullingVariant(level), Accuracy(level)), 12);
            Assert.Equal(1 - empty, run.Report.Comparison("complementary", Accuracy(level), PairVariant.Audio, PairVariant.TextOnly)!.Difference.Mean, 12);
            Assert.Equal(empty - 1, run.Report.Comparison("complementary", Accuracy(level), PairVariants.NullingVariant(level), PairVariant.Audio)!.Difference.Mean, 12);
        }
        // The double assigns relations by the demo world's definitions, so it agrees with every case; shuffled audio is not scored.
        Assert.Equal(1.0, run.Mean("all", PairVariant.Audio, EvaluationSummary.RelationAgreementMetric), 12);
        Assert.Null(run.Report.Group("all", PairVariant.TextOnly)![EvaluationSummary.RelationAgreementMetric]);
        Assert.Null(run.Report.Group("all", PairVariant.ShuffledAudio)![EvaluationSummary.RelationAgreementMetric]);
        // Matching prompts name the audio's elements, so text alone is already right there.
        Assert.Equal(1.0, run.Mean("matching", PairVariant.TextOnly, Accuracy(SceneAccuracy.Scene)), 12);
        // Adapters switched off in the down blocks lose the foreground in this double's routing, and only that.
        Assert.True(run.Mean("complementary", PairVariant.AdaptersOffDown, Accuracy(AudioLevel.Foreground)) < 0.5);
        Assert.Equal(1.0, run.Mean("complementary", PairVariant.AdaptersOffDown, Accuracy(AudioLevel.Ambience)), 12);
    }

    [Fact]
    public void A_generator_that_ignores_the_audio_fails_the_gain_elements_and_routing_checks()
    {
        using var folder = new TempFolder("eval-deaf");

        var run = DemoRun.Execute(folder.Path, 25, new GeneratorFaults { IgnoresAudio = true },
            [PairVariant.TextOnly, PairVariant.Audio, PairVariant.NullForeground, PairVariant.NullBackground, PairVariant.NullAmbience]);

        Assert.Equal("FAIL", run.Report.Verdict);
        Assert.Equal(CheckResult.Pass, run.Check("object-text_only").Status);
        Assert.Equal(CheckResult.Pass, run.Check("object-audio").Status);
        foreach (var id in new[] { "gain-foreground", "gain-background", "gain-ambience", "elements-audio", "routing-foreground", "routing-background", "routing-ambience" })
            Assert.Equal(CheckResult.Fail, run.Check(id).Status);
        Assert.Equal(0, run.Check("gain-foreground").Value!.Value, 12);
    }

    [Fact]
    public void Wrong_colours_fail_the_object_checks_at_exactly_the_counted_share()
    {
        using var folder = new TempFolder("eval-colour");
        const double rate = 0.2;

        var run = DemoRun.Execute(folder.Path, 25, new GeneratorFaults { WrongColorRate = rate }, [PairVariant.TextOnly, PairVariant.Audio]);

        foreach (var variant in new[] { PairVariant.TextOnly, PairVariant.Audio })
        {
            var wrong = run.Source.Cases.Count(c => GroundTruthPairGenerator.WrongColor(c.Id, variant, rate));
            Assert.InRange(wrong, 11, 40);
            Assert.Equal(1 - wrong / 100.0, run.Mean("all", variant, Accuracy(SceneAccuracy.Object)), 12);
            Assert.Equal(1.0, run.Mean("all", variant, Accuracy(SceneAccuracy.Shape)), 12);
            Assert.Equal(CheckResult.Fail, run.Check($"object-{variant.Name()}").Status);
        }
        Assert.Equal(CheckResult.Pass, run.Check("gain-foreground").Status);
        Assert.Equal(CheckResult.NotRun, run.Check("routing-foreground").Status);
    }

    [Fact]
    public void A_generator_that_ignores_level_ablations_fails_only_the_routing_checks()
    {
        using var folder = new TempFolder("eval-routing");

        var run = DemoRun.Execute(folder.Path, 25, new GeneratorFaults { IgnoresAblations = true },
            [PairVariant.TextOnly, PairVariant.Audio, PairVariant.NullForeground, PairVariant.NullBackground, PairVariant.NullAmbience]);

        Assert.All(run.Report.Checks, c => Assert.Equal(c.Id.StartsWith("routing-", StringComparison.Ordinal) ? CheckResult.Fail : CheckResult.Pass, c.Status));
        Assert.Equal(0, run.Check("routing-background").Value!.Value, 12);
    }

    [Fact]
    public void Every_variant_of_a_case_shares_prompt_and_seed_and_shuffled_audio_comes_from_another_case()
    {
        using var folder = new TempFolder("eval-requests");

        var run = DemoRun.Execute(folder.Path, 2);

        var requests = run.Generator.Requests.ToList();
        Assert.Equal(8 * PairVariants.All.Count, requests.Count);
        foreach (var group in requests.GroupBy(r => r.CaseId))
        {
            var evaluationCase = run.Source.Cases.Single(c => c.Id == group.Key);
            Assert.All(group, r => Assert.Equal((evaluationCase.Prompt, evaluationCase.Seed), (r.Prompt, r.Seed)));
            Assert.Equal(PairVariants.All, group.Select(r => r.Variant));
            Assert.Null(group.Single(r => r.Variant == PairVariant.TextOnly).Audio);
            Assert.NotEqual(group.Key, group.Single(r => r.Variant == PairVariant.ShuffledAudio).Audio!.Id);
            Assert.All(group.Where(r => r.Variant is not (PairVariant.TextOnly or PairVariant.ShuffledAudio)), r => Assert.Equal(group.Key, r.Audio!.Id));
        }
        Assert.Equal(8, requests.Where(r => r.Variant == PairVariant.ShuffledAudio).Select(r => r.Audio!.Id).Distinct().Count());
    }
}
