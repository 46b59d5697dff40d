using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Classifiers;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// Reads the demo world's attributes back from images. The product's reader is the demo classifier
/// (<see cref="SceneImageClassifier"/>, the same code path as <c>demo classify</c>); the seam lets tests use
/// an exact reader so that report numbers can be predicted.
/// </summary>
public interface ISceneReader
{
    /// <summary>Names the reader in reports.</summary>
    string Description { get; }

    /// <summary>One prediction per image, with a label for each of the heads in <see cref="SceneLabels"/>.</summary>
    IReadOnlyList<ScenePrediction> Read(IReadOnlyList<RgbImage> images);
}
