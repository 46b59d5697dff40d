using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// Whether an image shows what its case calls for, attribute by attribute, from what the demo classifier reads
/// in it. Every variant of a case is held to the same expected scene (the prompt's object, the case's own
/// audio scene, what a creative prompt adds), so a variant that loses a level loses that level's accuracy.
/// An audio level counts as right when the image shows the expected element or, for an empty level, none.
/// </summary>
public static class SceneAccuracy
{
    public const string Shape = "shape";
    public const string Color = "color";

    /// <summary>Shape and colour both right.</summary>
    public const string Object = "object";

    /// <summary>The mean of the three audio levels' hits: the pooled element accuracy.</summary>
    public const string Elements = "elements";

    /// <summary>All three audio levels right.</summary>
    public const string Scene = "scene";

    public static IReadOnlyList<string> Metrics { get; } =
        [Object, Shape, Color, SceneLabels.Foreground, SceneLabels.Background, SceneLabels.Ambience, Elements, Scene];

    /// <summary>1 or 0 per attribute (a fraction for <see cref="Elements"/>).</summary>
    public static IReadOnlyDictionary<string, double> Score(DemoScene expected, IReadOnlyDictionary<string, string> predicted)
    {
        var seen = Read(predicted);
        static double Hit(bool right) => right ? 1 : 0;
        var levels = Enum.GetValues<AudioLevel>().Select(l => seen.Element(l) == expected.Element(l)).ToList();
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [Object] = Hit(seen.Shape == expected.Shape && seen.Color == expected.Color),
            [Shape] = Hit(seen.Shape == expected.Shape),
            [Color] = Hit(seen.Color == expected.Color),
            [SceneLabels.Foreground] = Hit(levels[0]),
            [SceneLabels.Background] = Hit(levels[1]),
            [SceneLabels.Ambience] = Hit(levels[2]),
            [Elements] = levels.Average(Hit),
            [Scene] = Hit(levels.All(l => l)),
        };
    }

    public static string MetricOf(AudioLevel level) => SceneLabels.HeadOf(level);

    private static DemoScene Read(IReadOnlyDictionary<string, string> predicted)
    {
        string[] heads = [SceneLabels.Shape, SceneLabels.Color, SceneLabels.Foreground, SceneLabels.Background, SceneLabels.Ambience];
        var missing = heads.Where(h => !predicted.ContainsKey(h)).ToList();
        if (missing.Count > 0)
            throw new InputException($"the scene reader gave no {string.Join(", ", missing)}; the demo world needs all of {string.Join(", ", heads)}");
        return SceneLabels.SceneOf(predicted);
    }
}
