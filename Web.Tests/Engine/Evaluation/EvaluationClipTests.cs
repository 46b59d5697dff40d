using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

/// <summary>CLIP score and alignment in a run, checked pair by pair against <see cref="ClipScore"/> on the saved images.</summary>
public sealed class EvaluationClipTests : IDisposable
{
    private readonly TempFolder folder = new("eval-clip");

    public void Dispose() => folder.Dispose();

    private string ClipFolder() => TinyClipFolder.Write(folder.File("clip"));

    [Fact]
    public void Clip_scores_and_alignment_match_clip_score_pair_by_pair_and_ranks_follow_the_captions()
    {
        var clipFolder = ClipFolder();
        var source = new DemoEvaluationSource(2, seed: 1);
        using var generator = GroundTruthPairGenerator.For(source);
        var reportFolder = folder.File("report");
        var settings = new EvaluationSettings(reportFolder) { Variants = [PairVariant.TextOnly, PairVariant.Audio, PairVariant.ShuffledAudio], Resamples = 200 };
        EvaluationReport report;
        using (var measures = EvaluationMeasures.Load(null, clipFolder, null))
            report = new EvaluationRun(source, generator, measures, settings).Execute();

        using var model = CLIPModel.FromPretrained(clipFolder);
        var tokenizer = CLIPTokenizer.FromPretrained(clipFolder);
        var processor = CLIPImageProcessor.FromPretrained(clipFolder);
        double Score(RgbImage image, string text) => new ClipScore(model, tokenizer, processor).Update([image], [text])[0];

        var captions = report.Cases.Select(c => c.AudioCaption).ToList();
        foreach (var variant in settings.Variants)
        {
            var rows = report.Cases.Select(c => (Case: c, Image: c.Images.Single(i => i.Variant == variant.Name()))).ToList();
            var images = rows.Select(r => RgbImage.Load(Path.Combine(reportFolder, r.Image.File))).ToList();
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.Equal(Score(images[i], rows[i].Case.Prompt), rows[i].Image.ClipScore!.Value, 3);
                Assert.Equal(Score(images[i], rows[i].Case.AudioCaption), rows[i].Image.Alignment!.Value, 3);
                var similarities = captions.Select(caption => Score(images[i], caption)).ToList();
                var own = similarities[i];
                var others = similarities.Where((_, j) => j != i).ToList();
                var below = others.Count(s => s < own - 1e-3);
                var close = others.Count(s => Math.Abs(s - own) <= 1e-3);
                Assert.InRange(rows[i].Image.AlignmentRank!.Value, (double)below / others.Count, (double)(below + close) / others.Count);
            }
            var group = report.Group("all", variant)!;
            Assert.Equal(Math.Max(0, rows.Average(r => r.Image.ClipScore!.Value)), group[EvaluationSummary.ClipScoreMetric]!.Mean, 9);
            Assert.Equal(rows.Average(r => r.Image.AlignmentRank!.Value), group[EvaluationSummary.AlignmentRankMetric]!.Mean, 12);
        }
        Assert.Equal($"CLIP {clipFolder}", report.Clip);
        Assert.NotNull(report.Comparison("all", EvaluationSummary.AlignmentRankMetric, PairVariant.ShuffledAudio, PairVariant.Audio));
        Assert.Contains("## CLIP", File.ReadAllText(Path.Combine(reportFolder, ReportWriter.SummaryFile)));
        Assert.True(RgbImage.Load(Path.Combine(reportFolder, "charts", "alignment.png")).Width >= 520);
    }
}
