using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// Whether an image shows what its case calls for, attribute by attribute, from what a scene reader reads in it.
/// Every variant of a case is held to the same expected labels (the prompt's object, the case's own audio scene,
/// what a creative prompt adds), so a variant that loses a level loses that level's accuracy. An audio level
/// counts as right when the image shows the expected element or, for an empty level, none.
/// </summary>
public static class SceneAccuracy
{
    public const string Shape = SceneAttributes.Shape;
    public const string Color = SceneAttributes.Color;

    /// <summary>Shape and colour both right.</summary>
    public const string Object = "object";

    /// <summary>The mean of the three audio levels' hits: the pooled element accuracy.</summary>
    public const string Elements = "elements";

    /// <summary>All three audio levels right.</summary>
    public const string Scene = "scene";

    public static IReadOnlyList<string> Metrics { get; } =
        [Object, Shape, Color, SceneAttributes.Foreground, SceneAttributes.Background, SceneAttributes.Ambience, Elements, Scene];

    /// <summary>1 or 0 per attribute (a fraction for <see cref="Elements"/>), from the expected and the predicted label of each attribute.</summary>
    public static IReadOnlyDictionary<string, double> Score(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> predicted)
    {
        var missing = SceneAttributes.All.Where(h => !predicted.ContainsKey(h)).ToList();
        if (missing.Count > 0)
            throw new InputException($"the scene reader gave no {string.Join(", ", missing)}; the demo world needs all of {string.Join(", ", SceneAttributes.All)}");
        bool Right(string attribute) => predicted[attribute] == expected[attribute];
        static double Hit(bool right) => right ? 1 : 0;
        var levels = AudioLevels.All.Select(l => Right(SceneAttributes.Of(l))).ToList();
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [Object] = Hit(Right(Shape) && Right(Color)),
            [Shape] = Hit(Right(Shape)),
            [Color] = Hit(Right(Color)),
            [SceneAttributes.Foreground] = Hit(levels[0]),
            [SceneAttributes.Background] = Hit(levels[1]),
            [SceneAttributes.Ambience] = Hit(levels[2]),
            [Elements] = levels.Average(Hit),
            [Scene] = Hit(levels.All(l => l)),
        };
    }

    public static string MetricOf(AudioLevel level) => SceneAttributes.Of(level);
}
