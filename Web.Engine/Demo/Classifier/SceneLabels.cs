using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Classifiers;

namespace Clap2Diffusion.Engine.Demo.Classifier;

/// <summary>The classifier's heads and class order for the demo world, and conversions between labels and indices.</summary>
public static class SceneLabels
{
    public const string Shape = "shape";
    public const string Color = "color";
    public const string Foreground = "foreground";
    public const string Background = "background";
    public const string Ambience = "ambience";

    public static SceneAttributeClassifierConfig DefaultConfig() => new()
    {
        Heads = new Dictionary<string, string[]>
        {
            [Shape] = [.. DemoVocabulary.Shapes],
            [Color] = [.. DemoVocabulary.Colors],
            [Foreground] = [DemoVocabulary.None, .. DemoVocabulary.Foreground],
            [Background] = [DemoVocabulary.None, .. DemoVocabulary.Background],
            [Ambience] = [DemoVocabulary.None, .. DemoVocabulary.Ambience],
        },
    };

    public static string HeadOf(AudioLevel level) => level.Name();

    /// <summary>Class index of each head for a scene.</summary>
    public static Dictionary<string, int> Indices(SceneAttributeClassifierConfig config, DemoScene scene) => new()
    {
        [Shape] = Array.IndexOf(config.Heads[Shape], scene.Shape),
        [Color] = Array.IndexOf(config.Heads[Color], scene.Color),
        [Foreground] = Array.IndexOf(config.Heads[Foreground], scene.Foreground ?? DemoVocabulary.None),
        [Background] = Array.IndexOf(config.Heads[Background], scene.Background ?? DemoVocabulary.None),
        [Ambience] = Array.IndexOf(config.Heads[Ambience], scene.Ambience ?? DemoVocabulary.None),
    };

    public static DemoScene SceneOf(IReadOnlyDictionary<string, string> labels)
    {
        string? Level(string head) => labels[head] == DemoVocabulary.None ? null : labels[head];
        return new DemoScene(labels[Shape], labels[Color], Level(Foreground), Level(Background), Level(Ambience));
    }
}
