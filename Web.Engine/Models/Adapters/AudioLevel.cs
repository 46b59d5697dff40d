namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>
/// A level of the V4 audio hierarchy: a foreground event, a background source, an ambience. A value's number is
/// the level's index in the hybrid audio encoder's per-level tensors (hierarchy weights, level embedding, views).
/// </summary>
public enum AudioLevel
{
    Foreground,
    Background,
    Ambience,
}

/// <summary>The levels in order, and the one place they become the names configs, routing, metrics and reports use.</summary>
public static class AudioLevels
{
    public static IReadOnlyList<AudioLevel> All { get; } = [AudioLevel.Foreground, AudioLevel.Background, AudioLevel.Ambience];

    /// <summary><c>foreground</c>, <c>background</c> or <c>ambience</c>.</summary>
    public static string Name(this AudioLevel level) => level switch
    {
        AudioLevel.Foreground => "foreground",
        AudioLevel.Background => "background",
        AudioLevel.Ambience => "ambience",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };
}
