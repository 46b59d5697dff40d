using System.Text.Json;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Models.Classifiers;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

/// <summary>The report's accuracies come from the demo classifier, and agree with the classifier run on the saved PNGs.</summary>
public sealed class ClassifierAgreementTests : IDisposable
{
    private readonly TempFolder folder = new("eval-classifier");

    public void Dispose() => folder.Dispose();

    private string TrainedClassifier()
    {
        manual_seed(11);
        using var model = new SceneAttributeClassifier(SceneLabels.DefaultConfig() with { Channels = [8, 16], ImageSize = 32 });
        ClassifierTrainer.Train(model, new ClassifierTrainingSettings(Steps: 25, BatchSize: 8, LearningRate: 5e-3));
        var path = folder.File("classifier");
        SceneClassifierFolder.Save(model, path);
        return path;
    }

    [Fact]
    public void Report_numbers_equal_the_classifier_run_on_the_saved_images_and_the_distance_is_a_labelled_domain_fid()
    {
        var classifierFolder = TrainedClassifier();
        var source = new DemoEvaluationSource(2, seed: 6);
        using var generator = GroundTruthPairGenerator.For(source);
        var reportFolder = folder.File("report");
        var settings = new EvaluationSettings(reportFolder) { Variants = [PairVariant.TextOnly, PairVariant.Audio, PairVariant.NullForeground], Resamples = 200 };
        EvaluationReport report;
        using (var measures = EvaluationMeasures.Load(classifierFolder, null, null))
            report = new EvaluationRun(source, generator, measures, settings).Execute();

        using var classify = SceneImageClassifier.Load(classifierFolder);
        var images = report.Cases.SelectMany(c => c.Images.Select(i => (Case: c, Image: i))).ToList();
        var fromFiles = classify.ReadFiles(images.Select(p => Path.Combine(reportFolder, p.Image.File)).ToList());
        for (var i = 0; i < images.Count; i++)
        {
            Assert.Equal(images[i].Image.Predicted!.OrderBy(kv => kv.Key), fromFiles[i].Labels.OrderBy(kv => kv.Key));
            foreach (var (head, confidence) in fromFiles[i].Confidence)
                Assert.Equal(confidence, images[i].Image.Confidence![head], 6);
        }
        foreach (var group in report.Groups)
        {
            var members = images.Select((p, i) => (p.Case, p.Image, Labels: fromFiles[i].Labels))
                .Where(p => p.Image.Variant == group.Variant && (group.Scope == "all" || p.Case.Relation == group.Scope)).ToList();
            foreach (var attribute in SceneAccuracy.Metrics)
            {
                var expected = members.Average(p => SceneAccuracy.Score(p.Case.Expected!, p.Labels)[attribute]);
                Assert.Equal(expected, group[EvaluationSummary.AccuracyMetric(attribute)]!.Mean, 12);
            }
        }

        Assert.Equal(3, report.Distances.Count);
        Assert.All(report.Distances, d =>
        {
            Assert.Equal(DomainImageFeatures.Name, d.Name);
            Assert.StartsWith("domain FID (demo classifier features), not FID of ", d.Summary);
            Assert.Equal((8L, 8L), (d.ReferenceCount, d.CandidateCount));
            Assert.Contains("not comparable to published FID", d.Note);
            Assert.Equal(source.ReferenceName, d.Reference);
            Assert.True(double.IsFinite(d.Value) && d.Value >= -1e-6, $"distance {d.Value}");
        });
        Assert.Contains(report.Notes, n => n.Contains("FID is not computed", StringComparison.Ordinal));
        var summary = File.ReadAllText(Path.Combine(reportFolder, ReportWriter.SummaryFile));
        Assert.DoesNotContain("- FID ", summary);
        Assert.Contains("- domain FID (demo classifier features), not FID of audio images (N=8)", summary);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(reportFolder, ReportWriter.ReportFile)));
        Assert.Equal($"demo classifier {classifierFolder}", json.RootElement.GetProperty("scene_reader").GetString());
    }

    [Fact]
    public void A_classifier_that_cannot_read_the_demo_world_is_refused()
    {
        var config = SceneLabels.DefaultConfig();
        config.Heads.Remove(SceneAttributes.Ambience);
        using var model = new SceneAttributeClassifier(config with { Channels = [4] });
        var path = folder.File("partial");
        SceneClassifierFolder.Save(model, path);

        var error = Assert.Throws<InputException>(() => SceneClassifierFolder.Load(path));
        Assert.Contains("'ambience' head", error.Message);

        var narrow = SceneLabels.DefaultConfig();
        narrow.Heads[SceneAttributes.Foreground] = [DemoVocabulary.None, "bell"];
        using var small = new SceneAttributeClassifier(narrow with { Channels = [4] });
        SceneClassifierFolder.Save(small, folder.File("narrow"));
        Assert.Contains("lacks barking, chirping", Assert.Throws<InputException>(() => SceneClassifierFolder.Load(folder.File("narrow"))).Message);
    }
}
