using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Classifiers;
using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Demo.Classifier;

/// <summary>
/// The demo classifier applied to RGB images: the one code path that both <c>demo classify</c> (files) and
/// <c>evaluate</c> (images in memory, then saved losslessly) use, so their numbers agree. Images of equal size
/// are read in batches; each is scaled to [-1, 1] and resized by the model itself.
/// </summary>
public sealed class SceneImageClassifier(SceneAttributeClassifier model, string description) : ISceneClassifier
{
    public const int BatchSize = 32;

    public static SceneImageClassifier Load(string folder, ComputeTarget? target = null) =>
        new(SceneClassifierFolder.Load(folder, target), $"demo classifier {folder}");

    public SceneAttributeClassifier Model { get; } = model;

    public string Description { get; } = description;

    public IImageFeatures DomainFeatures => new DomainImageFeatures(this);

    public IReadOnlyList<ScenePrediction> Read(IReadOnlyList<RgbImage> images)
    {
        var predictions = new ScenePrediction[images.Count];
        foreach (var (indices, batch) in Batches(images))
            using (batch)
            {
                var read = ScenePrediction.Predict(Model, batch);
                for (var i = 0; i < indices.Count; i++)
                    predictions[indices[i]] = read[i];
            }
        return predictions;
    }

    /// <summary>Reads image files (PNG, JPEG, WebP, GIF, BMP).</summary>
    public IReadOnlyList<ScenePrediction> ReadFiles(IReadOnlyList<string> paths) => Read(paths.Select(RgbImage.Load).ToList());

    /// <summary>The pooled features [N, feature_size] (float32, CPU): the space of the domain FID.</summary>
    public Tensor Features(IReadOnlyList<RgbImage> images)
    {
        if (images.Count == 0)
            throw new InputException("no images to read features from");
        var size = Model.Config.FeatureSize;
        var values = new float[images.Count * size];
        using var noGrad = no_grad();
        foreach (var (indices, batch) in Batches(images))
            using (batch)
            using (var scope = NewDisposeScope())
            {
                var features = Model.Features(batch).cpu().contiguous().data<float>().ToArray();
                for (var i = 0; i < indices.Count; i++)
                    Array.Copy(features, i * size, values, indices[i] * size, size);
            }
        return tensor(values, [images.Count, size]);
    }

    // Images of one size, a batch at a time; the caller disposes each batch.
    private IEnumerable<(List<int> Indices, Tensor Batch)> Batches(IReadOnlyList<RgbImage> images)
    {
        var device = Model.heads.parameters().First().device;
        foreach (var group in Enumerable.Range(0, images.Count).GroupBy(i => (images[i].Width, images[i].Height)))
            foreach (var chunk in group.Chunk(BatchSize))
                yield return (chunk.ToList(), Stack(chunk.Select(i => images[i]), device));
    }

    private static Tensor Stack(IEnumerable<RgbImage> images, Device device)
    {
        var singles = images.Select(image => ImageTensors.FromRgb(image.Pixels, image.Width, image.Height)).ToList();
        try
        {
            var batch = stack(singles);
            if (device.type == DeviceType.CPU)
                return batch;
            using (batch)
                return batch.to(device);
        }
        finally
        {
            foreach (var single in singles)
                single.Dispose();
        }
    }

    public void Dispose() => Model.Dispose();
}
