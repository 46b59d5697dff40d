using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>
/// The demo world's canonical names. Text controls the object (shape and colour); audio controls the scene
/// in three levels that mirror the V4 hierarchy: a foreground event, a background source and an ambience.
/// </summary>
public static class DemoVocabulary
{
    public const string None = Evaluation.SceneAttributes.None;

    public static readonly IReadOnlyList<string> Shapes = ["circle", "square", "triangle", "star"];
    public static readonly IReadOnlyList<string> Colors = ["red", "green", "blue", "yellow"];
    public static readonly IReadOnlyList<string> Foreground = ["barking", "bell", "chirping"];
    public static readonly IReadOnlyList<string> Background = ["engine", "chatter"];
    public static readonly IReadOnlyList<string> Ambience = ["rain", "wind", "waves"];

    public static IReadOnlyList<string> Elements(AudioLevel level) => level switch
    {
        AudioLevel.Foreground => Foreground,
        AudioLevel.Background => Background,
        _ => Ambience,
    };

    /// <summary>Every word a demo prompt may use; the studio shows these to users of the demo model.</summary>
    public static IReadOnlyList<string> PromptWords { get; } =
        [.. Colors, .. Shapes, .. Foreground, .. Background, .. Ambience];

    public static AudioLevel LevelOf(string element) =>
        Foreground.Contains(element) ? AudioLevel.Foreground
        : Background.Contains(element) ? AudioLevel.Background
        : Ambience.Contains(element) ? AudioLevel.Ambience
        : throw new InputException($"'{element}' is not a demo scene element; known: {string.Join(", ", Foreground.Concat(Background).Concat(Ambience))}");

    /// <summary>Accepts a level's element name or none/null/empty for an absent level.</summary>
    public static string? ParseElement(AudioLevel level, string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Equals(None, StringComparison.OrdinalIgnoreCase))
            return null;
        var normalised = name.Trim().ToLowerInvariant();
        return Elements(level).Contains(normalised)
            ? normalised
            : throw new InputException($"'{name}' is not a {level.Name()} element; choose one of {string.Join(", ", Elements(level))} or none");
    }
}
