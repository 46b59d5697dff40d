using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

public sealed class EvaluationSummaryTests
{
    private static readonly EvaluationSettings Settings = new("unused") { Resamples = 500, Seed = 3 };

    private static EvaluationCase Case(string id, PromptAudioRelation relation) => new(id, "a red circle", "A bell rings", 0, relation);

    private static ImageRecord Image(EvaluationCase evaluationCase, PairVariant variant, double foreground, double clipScore)
    {
        var hits = SceneAccuracy.Metrics.ToDictionary(m => m, _ => 1.0);
        hits[SceneAttributes.Foreground] = foreground;
        return new ImageRecord(evaluationCase, variant, "x.png", 64, 64, 0.5, null) { Hits = hits, ClipScore = clipScore };
    }

    [Fact]
    public void Contradictory_pairs_are_also_read_from_the_prompts_side()
    {
        // The prompt names rain where the sound holds wind; a creative case names an element too, but disputes nothing.
        EvaluationCase Conflict(string id) => Case(id, PromptAudioRelation.Contradictory) with
        {
            AudioLabels = new Dictionary<string, string> { [SceneAttributes.Ambience] = "wind" },
            PromptLabels = new Dictionary<string, string> { [SceneAttributes.Ambience] = "rain" },
        };
        EvaluationCase[] cases = [Conflict("x1"), Conflict("x2"), Conflict("x3"), Conflict("x4"), Case("k1", PromptAudioRelation.Creative) with
        {
            AudioLabels = new Dictionary<string, string> { [SceneAttributes.Ambience] = "none" },
            PromptLabels = new Dictionary<string, string> { [SceneAttributes.Ambience] = "rain" },
        }];
        var seen = new[] { ("x1", "rain", "wind"), ("x2", "rain", "rain"), ("x3", "wind", "rain"), ("x4", "none", "rain"), ("k1", "rain", "rain") };
        var records = new List<ImageRecord>();
        foreach (var (id, audio, composed) in seen)
        {
            var c = cases.Single(x => x.Id == id);
            records.Add(Predicted(Image(c, PairVariant.Audio, 1, 20), audio));
            records.Add(Predicted(Image(c, PairVariant.AudioComposed, 1, 20), composed));
        }

        var (groups, comparisons) = EvaluationSummary.Build(cases, records, [PairVariant.Audio, PairVariant.AudioComposed], Settings);

        GroupResult Group(string scope, PairVariant variant) => groups.Single(g => g.Scope == scope && g.Variant == variant.Name());
        Assert.Equal((0.5, 0.25), (Group("contradictory", PairVariant.Audio)[EvaluationSummary.PromptElementMetric]!.Mean,
            Group("contradictory", PairVariant.Audio)[EvaluationSummary.AudioElementMetric]!.Mean));
        Assert.Equal((0.75, 0.25), (Group("contradictory", PairVariant.AudioComposed)[EvaluationSummary.PromptElementMetric]!.Mean,
            Group("contradictory", PairVariant.AudioComposed)[EvaluationSummary.AudioElementMetric]!.Mean));
        // Only the contradictory scope disputes a level: nowhere else is there a figure.
        Assert.All(groups.Where(g => g.Scope != "contradictory"), g => Assert.Null(g[EvaluationSummary.PromptElementMetric]));
        Assert.Equal(0.25, comparisons.Single(c => c.Scope == "contradictory" && c.Metric == EvaluationSummary.PromptElementMetric).Difference.Mean, 12);
    }

    private static ImageRecord Predicted(ImageRecord record, string ambience)
    {
        record.Prediction = new Clap2Diffusion.Engine.Models.Classifiers.ScenePrediction(
            new Dictionary<string, string> { [SceneAttributes.Ambience] = ambience }, new Dictionary<string, double> { [SceneAttributes.Ambience] = 1 });
        return record;
    }

    [Fact]
    public void Means_per_scope_and_variant_and_paired_gains_come_out_as_counted_by_hand()
    {
        EvaluationCase[] cases =
        [
            Case("c1", PromptAudioRelation.Complementary), Case("c2", PromptAudioRelation.Complementary),
            Case("m1", PromptAudioRelation.Matching), Case("m2", PromptAudioRelation.Matching),
        ];
        List<ImageRecord> records =
        [
            Image(cases[0], PairVariant.TextOnly, 0, -10), Image(cases[0], PairVariant.Audio, 1, 20),
            Image(cases[1], PairVariant.TextOnly, 1, 4), Image(cases[1], PairVariant.Audio, 1, 22),
            Image(cases[2], PairVariant.TextOnly, 1, 30), Image(cases[2], PairVariant.Audio, 1, 30),
            Image(cases[3], PairVariant.TextOnly, 0, 30), Image(cases[3], PairVariant.Audio, 0, 30),
        ];

        var (groups, comparisons) = EvaluationSummary.Build(cases, records, [PairVariant.TextOnly, PairVariant.Audio], Settings);

        var foreground = EvaluationSummary.AccuracyMetric(SceneAttributes.Foreground);
        GroupResult Group(string scope, PairVariant variant) => groups.Single(g => g.Scope == scope && g.Variant == variant.Name());
        Assert.Equal(0.5, Group("complementary", PairVariant.TextOnly)[foreground]!.Mean, 12);
        Assert.Equal(1.0, Group("complementary", PairVariant.Audio)[foreground]!.Mean, 12);
        Assert.Equal(0.5, Group("matching", PairVariant.Audio)[foreground]!.Mean, 12);
        Assert.Equal(0.5, Group("all", PairVariant.TextOnly)[foreground]!.Mean, 12);
        Assert.Equal(0.75, Group("all", PairVariant.Audio)[foreground]!.Mean, 12);
        Assert.Equal(4, Group("all", PairVariant.Audio).Cases);
        Assert.DoesNotContain(groups, g => g.Scope is "creative" or "contradictory" or "unassigned");

        // torchmetrics clamps the mean CLIP score at 0: complementary text-only scores are -10 and 4.
        Assert.Equal(0, Group("complementary", PairVariant.TextOnly)[EvaluationSummary.ClipScoreMetric]!.Mean, 12);
        Assert.Equal(21, Group("complementary", PairVariant.Audio)[EvaluationSummary.ClipScoreMetric]!.Mean, 12);

        var gain = comparisons.Single(c => c.Scope == "complementary" && c.Metric == foreground);
        Assert.Equal(("audio", "text_only"), (gain.Variant, gain.Baseline));
        Assert.Equal(0.5, gain.Difference.Mean, 12);
        Assert.Equal(0, gain.Difference.Low, 12);
        Assert.Equal(1, gain.Difference.High, 12);
        Assert.Equal(0.25, comparisons.Single(c => c.Scope == "all" && c.Metric == foreground).Difference.Mean, 12);
    }

    [Fact]
    public void Dataset_cases_are_grouped_by_the_relation_the_generator_assigned_to_their_own_audio()
    {
        EvaluationCase[] cases = [new("a", "p", "c", 0, null), new("b", "p", "c", 1, null)];
        List<ImageRecord> records =
        [
            new(cases[0], PairVariant.TextOnly, "x", 8, 8, 1, null), new(cases[0], PairVariant.Audio, "x", 8, 8, 1, PromptAudioRelation.Creative),
            new(cases[1], PairVariant.TextOnly, "x", 8, 8, 1, null), new(cases[1], PairVariant.Audio, "x", 8, 8, 1, null),
        ];

        var (groups, _) = EvaluationSummary.Build(cases, records, [PairVariant.TextOnly, PairVariant.Audio], Settings);

        Assert.Equal(1, groups.Single(g => g.Scope == "creative" && g.Variant == "audio").Cases);
        Assert.Equal(1, groups.Single(g => g.Scope == "unassigned" && g.Variant == "audio").Cases);
        Assert.Equal(1.0, groups.Single(g => g.Scope == "all" && g.Variant == "audio")[EvaluationSummary.SecondsMetric]!.Mean, 12);
        Assert.Null(groups.Single(g => g.Scope == "all" && g.Variant == "audio")[EvaluationSummary.AccuracyMetric(SceneAccuracy.Object)]);
    }
}
