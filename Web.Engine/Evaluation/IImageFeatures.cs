using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Engine.Imaging;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// A feature space that Fréchet distances and KID are taken in. <see cref="DistanceName"/> is what the report
/// calls the distance, so that a distance in anything but pytorch-fid's Inception space is never called FID.
/// </summary>
public interface IImageFeatures
{
    string DistanceName { get; }

    /// <summary>Identifies the network and preprocessing; reference and candidate features must share it.</summary>
    string FeatureSpace { get; }

    /// <summary>Features [N, D] of images of one size, float, CPU.</summary>
    Tensor Extract(IReadOnlyList<RgbImage> images);
}

/// <summary>pytorch-fid's Inception pool3 features: the distance is FID proper.</summary>
public sealed class InceptionImageFeatures(FidFeatureExtractor extractor) : IImageFeatures, IDisposable
{
    public const string Name = "FID";

    public string DistanceName => Name;

    public string FeatureSpace => extractor.FeatureSpace;

    public Tensor Extract(IReadOnlyList<RgbImage> images)
    {
        using var scope = NewDisposeScope();
        var batch = stack(images.Select(image =>
            tensor(image.Pixels, ScalarType.Byte).reshape(image.Height, image.Width, 3).permute(2, 0, 1)).ToList());
        return extractor.ExtractBatch(batch).MoveToOuterDisposeScope();
    }

    public void Dispose() => extractor.Dispose();
}
