using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// The attributes a scene reader reads in an image and an evaluation case expects, as label names: the object's
/// shape and colour, and each audio level's element, <see cref="None"/> for an empty level.
/// </summary>
public static class SceneAttributes
{
    public const string Shape = "shape";
    public const string Color = "color";

    /// <summary>The label of an audio level that holds nothing.</summary>
    public const string None = "none";

    public static readonly string Foreground = Of(AudioLevel.Foreground);
    public static readonly string Background = Of(AudioLevel.Background);
    public static readonly string Ambience = Of(AudioLevel.Ambience);

    /// <summary>Every attribute, in report order.</summary>
    public static IReadOnlyList<string> All { get; } = [Shape, Color, Foreground, Background, Ambience];

    /// <summary>The attribute of an audio level: the level's name.</summary>
    public static string Of(AudioLevel level) => level.Name();
}
