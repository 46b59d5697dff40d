using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Classifiers;

/// <summary>What the classifier reads in one image: a label and its probability per attribute.</summary>
public sealed record ScenePrediction(IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, double> Confidence)
{
    public static IReadOnlyList<ScenePrediction> Predict(SceneAttributeClassifier model, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = model.call(images);
        var count = (int)images.shape[0];
        var labels = Enumerable.Range(0, count).Select(_ => new Dictionary<string, string>()).ToList();
        var confidence = Enumerable.Range(0, count).Select(_ => new Dictionary<string, double>()).ToList();
        foreach (var (head, classes) in model.Config.Heads)
        {
            var probabilities = logits[head].softmax(-1);
            var (best, index) = probabilities.max(-1);
            var bestValues = best.data<float>().ToArray();
            var indices = index.data<long>().ToArray();
            for (var i = 0; i < count; i++)
            {
                labels[i][head] = classes[indices[i]];
                confidence[i][head] = bestValues[i];
            }
        }
        return Enumerable.Range(0, count).Select(i => new ScenePrediction(labels[i], confidence[i])).ToList();
    }
}
