using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Tokenizers;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// What an evaluation measures images with, each optional: a scene reader (demo attribute accuracies), CLIP
/// (CLIP score and alignment) and a feature space for FID and KID. Owns and disposes what it is given.
/// </summary>
public sealed class EvaluationMeasures(ISceneReader? scenes = null, ClipScore? clip = null, IImageFeatures? features = null,
    string? clipDescription = null, params IDisposable[] owned) : IDisposable
{
    public ISceneReader? Scenes { get; } = scenes;

    public ClipScore? Clip { get; } = clip;

    public string? ClipDescription { get; } = clip is null ? null : clipDescription ?? "CLIP";

    public IImageFeatures? Features { get; } = features;

    /// <summary>Why the distances are not FID proper, when they are not (no Inception weights given).</summary>
    public string? FeatureNote { get; init; }

    /// <summary>
    /// Loads what the folders name. Without Inception weights the demo classifier's features give a domain FID,
    /// labelled as such; without either, no distance is computed.
    /// </summary>
    public static EvaluationMeasures Load(string? classifierFolder, string? clipFolder, string? fidWeights, ComputeTarget? target = null)
    {
        var owned = new List<IDisposable>();
        try
        {
            ISceneClassifier? classifier = null;
            if (classifierFolder is not null)
            {
                classifier = EvaluationWorlds.BuiltIn.LoadClassifier(classifierFolder, target);
                owned.Add(classifier);
            }
            ClipScore? clip = null;
            if (clipFolder is not null)
            {
                var model = CLIPModel.FromPretrained(clipFolder, target);
                owned.Add(model);
                clip = new ClipScore(model, CLIPTokenizer.FromPretrained(clipFolder), CLIPImageProcessor.FromPretrained(clipFolder));
            }
            IImageFeatures? features = null;
            string? note = null;
            if (fidWeights is not null)
            {
                if (!File.Exists(fidWeights))
                    throw new InputException($"FID weights not found: {fidWeights}");
                var inception = new InceptionImageFeatures(FidFeatureExtractor.Load(fidWeights, target?.Device));
                owned.Add(inception);
                features = inception;
            }
            else if (classifier is not null)
            {
                features = classifier.DomainFeatures;
                note = "no Inception weights given (--fid-weights), so FID is not computed; the distance below is a domain FID " +
                    "in the demo classifier's feature space, not FID";
            }
            return new EvaluationMeasures(classifier, clip, features, clipFolder is null ? null : $"CLIP {clipFolder}", [.. owned])
            {
                FeatureNote = note,
            };
        }
        catch
        {
            foreach (var item in owned)
                item.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var item in owned)
            item.Dispose();
    }
}
