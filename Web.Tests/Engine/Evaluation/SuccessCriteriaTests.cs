using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

/// <summary>
/// The design's success criteria in every report: measured ones pass or fail on their numbers, the others say
/// "not measured" and why, and nothing unmeasured passes. With FID weights: see <see cref="EvaluationFidTests"/>.
/// </summary>
public sealed class SuccessCriteriaTests : IDisposable
{
    private readonly TempFolder folder = new("criteria");

    public void Dispose() => folder.Dispose();

    private static SuccessCriterion Criterion(EvaluationReport report, string id) => report.Criteria.Single(c => c.Id == id);

    [Fact]
    public void Without_inception_or_clip_weights_those_criteria_are_not_measured_and_say_why()
    {
        var run = DemoRun.Execute(folder.File("plain"), perRelation: 5, variants: [PairVariant.TextOnly, PairVariant.Audio]);

        Assert.Equal(["fid-audio-below-text-only", "fid-below-30", "clip-score-above-0.25", "creative-cases"], run.Report.Criteria.Select(c => c.Id));
        foreach (var id in new[] { "fid-audio-below-text-only", "fid-below-30" })
        {
            Assert.Equal(SuccessCriterion.NotMeasured, Criterion(run.Report, id).Status);
            Assert.Contains("not measured: no Inception weights were given (--fid-weights", Criterion(run.Report, id).Detail);
        }
        var clip = Criterion(run.Report, "clip-score-above-0.25");
        Assert.Equal((SuccessCriterion.NotMeasured, "not measured: no CLIP weights were given (--clip, or Evaluation:ClipFolder in the app)"),
            (clip.Status, clip.Detail));
        Assert.StartsWith("NOT MEASURED (c) CLIP score with audio above 0.25 on the cosine scale (25 on the x100 scale): not measured", clip.Line);
        var summary = File.ReadAllText(Path.Combine(folder.File("plain"), "summary.md"));
        Assert.Contains("## The design's success criteria", summary);
        Assert.Contains(clip.Line, summary);
    }

    [Fact]
    public void Creative_pairs_that_show_the_object_and_the_sound_pass_from_five_and_fail_below()
    {
        var ideal = DemoRun.Execute(folder.File("ideal"), perRelation: 5, variants: [PairVariant.Audio]);
        var deaf = DemoRun.Execute(folder.File("deaf"), perRelation: 5, faults: new GeneratorFaults { IgnoresAudio = true }, variants: [PairVariant.Audio]);
        var four = DemoRun.Execute(folder.File("four"), perRelation: 4, variants: [PairVariant.Audio]);

        Assert.Equal((SuccessCriterion.Pass, "5 of 5 creative pairs; need ≥ 5"), (Criterion(ideal.Report, "creative-cases").Status, Criterion(ideal.Report, "creative-cases").Detail));
        Assert.Equal((SuccessCriterion.Fail, "0 of 5 creative pairs; need ≥ 5"), (Criterion(deaf.Report, "creative-cases").Status, Criterion(deaf.Report, "creative-cases").Detail));
        Assert.Equal(SuccessCriterion.Fail, Criterion(four.Report, "creative-cases").Status);
    }

    [Fact]
    public void Creative_pairs_are_not_measured_without_a_scene_reader()
    {
        var run = DemoRun.Execute(folder.File("reader"), perRelation: 5, variants: [PairVariant.Audio]);
        var unread = run.Report with { SceneReader = null };

        var criterion = SuccessCriteria.Evaluate(unread).Single(c => c.Id == "creative-cases");

        Assert.Equal(SuccessCriterion.NotMeasured, criterion.Status);
        Assert.Contains("no demo classifier", criterion.Detail);
    }

    [Theory]
    [InlineData(26.0, SuccessCriterion.Pass)]
    [InlineData(25.0, SuccessCriterion.Fail)]
    [InlineData(19.5, SuccessCriterion.Fail)]
    public void The_clip_score_is_judged_on_the_cosine_scale(double scoreTimes100, string expected)
    {
        var run = DemoRun.Execute(folder.File("clip"), perRelation: 1, variants: [PairVariant.Audio]);
        var scored = new GroupResult(EvaluationSummary.AllScope, PairVariant.Audio.Name(), 4,
            new Dictionary<string, Estimate> { [EvaluationSummary.ClipScoreMetric] = new(scoreTimes100, scoreTimes100 - 1, scoreTimes100 + 1, 4) });
        var report = run.Report with { Clip = "CLIP test-clip", Groups = [scored] };

        var criterion = SuccessCriteria.Evaluate(report).Single(c => c.Id == "clip-score-above-0.25");

        Assert.Equal(expected, criterion.Status);
        Assert.Contains($"(x100: {scoreTimes100:0.0}", criterion.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(12.0, 20.0, SuccessCriterion.Pass, SuccessCriterion.Pass)]
    [InlineData(24.0, 20.0, SuccessCriterion.Fail, SuccessCriterion.Pass)]
    [InlineData(31.0, 40.0, SuccessCriterion.Pass, SuccessCriterion.Fail)]
    public void Fid_criteria_compare_audio_with_text_only_and_with_30(double audioFid, double textOnlyFid, string beatsTextOnly, string belowBar)
    {
        var run = DemoRun.Execute(folder.File("fid"), perRelation: 1, variants: [PairVariant.Audio]);
        DistanceResult Fid(PairVariant variant, double value) =>
            new(variant.Name(), "FID", value, "reference", 2048, 2048, "pytorch-fid InceptionV3 pool3", null, null);
        var report = run.Report with { Distances = [Fid(PairVariant.TextOnly, textOnlyFid), Fid(PairVariant.Audio, audioFid)] };

        var criteria = SuccessCriteria.Evaluate(report);

        Assert.Equal(beatsTextOnly, criteria.Single(c => c.Id == "fid-audio-below-text-only").Status);
        Assert.Equal(belowBar, criteria.Single(c => c.Id == "fid-below-30").Status);
    }

    [Fact]
    public void A_domain_fid_judges_no_fid_criterion()
    {
        var run = DemoRun.Execute(folder.File("domain"), perRelation: 1, variants: [PairVariant.Audio]);
        var domain = new DistanceResult("audio", "domain FID (demo classifier features), not FID", 3.0, "reference", 4, 4, "demo classifier", "not FID", null);

        var criteria = SuccessCriteria.Evaluate(run.Report with { Distances = [domain] });

        Assert.All(criteria.Take(2), c => Assert.Equal(SuccessCriterion.NotMeasured, c.Status));
        Assert.Contains("the domain FID in the report (audio 3.00) is no FID and judges nothing here", criteria[0].Detail);
    }
}
