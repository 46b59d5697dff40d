using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Imaging;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Demo.Classifier;

/// <summary>
/// The demo classifier's pooled features: used when no Inception weights are given. The distance measures how
/// far generated scenes are from rendered ones as the classifier sees them; it is not FID and never called so.
/// </summary>
public sealed class DomainImageFeatures(SceneImageClassifier classifier) : IImageFeatures
{
    public const string Name = "domain FID (demo classifier features), not FID";

    public string DistanceName => Name;

    public string FeatureSpace =>
        $"demo SceneAttributeClassifier pooled features, {classifier.Model.Config.FeatureSize}-d at {classifier.Model.Config.ImageSize}x{classifier.Model.Config.ImageSize}";

    public Tensor Extract(IReadOnlyList<RgbImage> images) => classifier.Features(images);
}
