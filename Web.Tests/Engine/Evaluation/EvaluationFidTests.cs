using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Tests.Engine.Fid;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

/// <summary>With Inception weights the distance is FID proper, named, counted and equal to pytorch-fid's recipe on the saved images.</summary>
public sealed class EvaluationFidTests(GeneratedFidWeights weights) : IClassFixture<GeneratedFidWeights>, IDisposable
{
    private readonly TempFolder folder = new("eval-fid");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Fid_names_its_reference_set_and_n_and_equals_the_distance_of_features_taken_from_the_saved_images()
    {
        var source = new DemoEvaluationSource(1, seed: 2);
        using var generator = GroundTruthPairGenerator.For(source);
        var settings = new EvaluationSettings(folder.Path) { Variants = [PairVariant.TextOnly, PairVariant.Audio], Resamples = 100, KidSubsets = 10 };
        EvaluationReport report;
        using (var measures = EvaluationMeasures.Load(null, null, weights.PthPath))
            report = new EvaluationRun(source, generator, measures, settings).Execute();

        var audio = report.Distances.Single(d => d.Variant == "audio");
        Assert.Equal(2, report.Distances.Count);
        Assert.Equal("FID", audio.Name);
        Assert.Equal((4L, 4L), (audio.ReferenceCount, audio.CandidateCount));
        Assert.Equal("not comparable to published FID (N < 2048)", audio.Note);
        Assert.StartsWith("FID of audio images (N=4) against 'demo ground truth, rendered afresh (seed 2)' (N=4): ", audio.Summary);
        Assert.Contains("pytorch-fid InceptionV3", audio.FeatureSpace);
        Assert.Equal(10, audio.Kid!.Subsets);
        Assert.DoesNotContain(report.Notes, n => n.Contains("domain FID", StringComparison.Ordinal));
        // The audio images are the reference scenes themselves, so their FID is far below text only's and below 30;
        // both criteria are measured, each with the note that N is too small for published comparisons.
        var beatsTextOnly = report.Criteria.Single(c => c.Id == "fid-audio-below-text-only");
        var belowBar = report.Criteria.Single(c => c.Id == "fid-below-30");
        Assert.Equal((SuccessCriterion.Pass, SuccessCriterion.Pass), (beatsTextOnly.Status, belowBar.Status));
        Assert.Contains("with audio", beatsTextOnly.Detail);
        Assert.EndsWith("; not comparable to published FID (N < 2048)", belowBar.Detail);
        Assert.Equal(SuccessCriterion.NotMeasured, report.Criteria.Single(c => c.Id == "clip-score-above-0.25").Status);
        Assert.Equal(SuccessCriterion.NotMeasured, report.Criteria.Single(c => c.Id == "creative-cases").Status);

        using var scope = NewDisposeScope();
        using var extractor = FidFeatureExtractor.Load(weights.PthPath);
        Tensor Pixels(RgbImage image) => tensor(image.Pixels, ScalarType.Byte).reshape(image.Height, image.Width, 3).permute(2, 0, 1);
        var generated = report.Cases.Select(c => RgbImage.Load(folder.File(c.Images.Single(i => i.Variant == "audio").File))).ToList();
        var references = source.Cases.Select(c => source.ReferenceImage(c, 64)!).ToList();
        var candidate = FidStatistics.FromActivations("candidate", extractor.Extract(generated.Select(Pixels).ToList()));
        var reference = FidStatistics.FromActivations("reference", extractor.Extract(references.Select(Pixels).ToList()));
        var expected = FrechetDistance.Compute(reference, candidate).Value;
        Assert.Equal(expected, audio.Value, Math.Max(1e-6, 1e-6 * Math.Abs(expected)));
    }
}
