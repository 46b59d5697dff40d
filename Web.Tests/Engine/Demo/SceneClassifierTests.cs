using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Models.Classifiers;
using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Demo;

public sealed class SceneClassifierTests
{
    [Fact]
    public void A_short_training_run_learns_to_read_rendered_scenes()
    {
        manual_seed(3);
        var config = SceneLabels.DefaultConfig() with { Channels = [8, 16, 32, 32] };
        using var model = new SceneAttributeClassifier(config);
        var losses = new List<double>();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        ClassifierTrainer.Train(model, new ClassifierTrainingSettings(Steps: 150, BatchSize: 16, LearningRate: 3e-3), onStep: (_, loss) => losses.Add(loss));

        var (images, targets) = ClassifierTrainer.Batch(config, new SeededRandom(999), 64);
        var predictions = ScenePrediction.Predict(model, images);
        var accuracy = config.Heads.Keys.ToDictionary(head => head, head =>
            predictions.Select((p, i) => Array.IndexOf(config.Heads[head], p.Labels[head]) == targets[head][i].item<long>()).Average(ok => ok ? 1.0 : 0.0));
        Console.WriteLine($"{watch.Elapsed.TotalSeconds:F1}s loss {losses.Take(10).Average():F2} -> {losses.TakeLast(10).Average():F2}; " + string.Join(", ", accuracy.Select(kv => $"{kv.Key} {kv.Value:P0}")));

        Assert.True(losses.TakeLast(20).Average() < 0.7 * losses.Take(20).Average());
        // The coarse cues (colour field, texture) are learnt first; every head beats chance.
        Assert.True(accuracy[SceneAttributes.Ambience] > 0.7 && accuracy[SceneAttributes.Background] > 0.7, "scene cues not learnt");
        foreach (var (head, value) in accuracy)
            Assert.True(value > 1.3 / config.Heads[head].Length, $"{head} accuracy {value}");
    }

    [Fact]
    public void Predictions_name_a_class_and_a_probability_for_every_head()
    {
        var config = SceneLabels.DefaultConfig() with { Channels = [4, 8] };
        using var model = new SceneAttributeClassifier(config);
        using var images = rand(3, 3, 50, 70) * 2 - 1;

        var predictions = ScenePrediction.Predict(model, images);

        Assert.Equal(3, predictions.Count);
        Assert.All(predictions, p =>
        {
            Assert.Equal(config.Heads.Keys.Order(), p.Labels.Keys.Order());
            Assert.All(p.Confidence.Values, c => Assert.True(c is >= 0 and <= 1, $"confidence {c}"));
        });
    }
}
