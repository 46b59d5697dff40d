using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Models.Classifiers;

namespace Clap2Diffusion.Engine.Demo.Classifier;

/// <summary>
/// The classifier's heads (the <see cref="SceneAttributes"/>) and class order for the demo world, and conversions
/// between scenes, labels and indices.
/// </summary>
public static class SceneLabels
{
    public static SceneAttributeClassifierConfig DefaultConfig() => new()
    {
        Heads = new Dictionary<string, string[]>
        {
            [SceneAttributes.Shape] = [.. DemoVocabulary.Shapes],
            [SceneAttributes.Color] = [.. DemoVocabulary.Colors],
            [SceneAttributes.Foreground] = [DemoVocabulary.None, .. DemoVocabulary.Foreground],
            [SceneAttributes.Background] = [DemoVocabulary.None, .. DemoVocabulary.Background],
            [SceneAttributes.Ambience] = [DemoVocabulary.None, .. DemoVocabulary.Ambience],
        },
    };

    /// <summary>Class index of each head for a scene.</summary>
    public static Dictionary<string, int> Indices(SceneAttributeClassifierConfig config, DemoScene scene) =>
        LabelsOf(scene).ToDictionary(label => label.Key, label => Array.IndexOf(config.Heads[label.Key], label.Value));

    /// <summary>A scene's label per attribute, in <see cref="SceneAttributes.All"/> order.</summary>
    public static Dictionary<string, string> LabelsOf(DemoScene scene) => new()
    {
        [SceneAttributes.Shape] = scene.Shape,
        [SceneAttributes.Color] = scene.Color,
        [SceneAttributes.Foreground] = scene.Foreground ?? DemoVocabulary.None,
        [SceneAttributes.Background] = scene.Background ?? DemoVocabulary.None,
        [SceneAttributes.Ambience] = scene.Ambience ?? DemoVocabulary.None,
    };

    public static DemoScene SceneOf(IReadOnlyDictionary<string, string> labels)
    {
        string? Level(string head) => labels[head] == DemoVocabulary.None ? null : labels[head];
        return new DemoScene(labels[SceneAttributes.Shape], labels[SceneAttributes.Color],
            Level(SceneAttributes.Foreground), Level(SceneAttributes.Background), Level(SceneAttributes.Ambience));
    }
}
