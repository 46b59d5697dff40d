using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Classifiers;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// Reads a synthetic world's attributes back from images. The product's reader is the world's classifier
/// (<see cref="IEvaluationWorld.LoadClassifier"/>; for the demo world the same code path as <c>demo classify</c>);
/// the seam lets tests use an exact reader so that report numbers can be predicted.
/// </summary>
public interface ISceneReader
{
    /// <summary>Names the reader in reports.</summary>
    string Description { get; }

    /// <summary>One prediction per image, with a label for each of the <see cref="SceneAttributes"/>.</summary>
    IReadOnlyList<ScenePrediction> Read(IReadOnlyList<RgbImage> images);
}
