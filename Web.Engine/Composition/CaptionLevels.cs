using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Composition;

/// <summary>
/// The phrases of a caption that each hierarchy level should read. Every event goes to the level of the sound it
/// names; so does the environment when it names one ("with wind blowing" is ambience, "with a dog barking" the
/// foreground). An environment that names no sound ("in a large hall", "at a busy market") is the place itself,
/// which is what the ambience level stands for: it becomes the ambience phrase when nothing else in the caption
/// fills that level. See docs/decisions/0024-composition-and-success-criteria.md.
/// </summary>
/// <param name="EnvironmentIsAmbience">The caption's environment is (among) the ambience phrases.</param>
public sealed record CaptionLevels(IReadOnlyList<string> Foreground, IReadOnlyList<string> Background, IReadOnlyList<string> Ambience,
    bool EnvironmentIsAmbience)
{
    public IReadOnlyList<string> this[AudioLevel level] => level switch
    {
        AudioLevel.Foreground => Foreground,
        AudioLevel.Background => Background,
        _ => Ambience,
    };

    /// <param name="levelOf">The level whose sound a phrase names, or null (a CLAP folder's anchors decide it in training).</param>
    public static CaptionLevels Assign(ParsedCaption caption, Func<string, AudioLevel?> levelOf)
    {
        var phrases = AudioLevels.All.ToDictionary(level => level, _ => new List<string>());
        foreach (var phrase in caption.Events)
            if (levelOf(phrase) is { } level)
                phrases[level].Add(phrase);
        var environmentIsAmbience = false;
        if (caption.Context is { Length: > 0 } environment)
        {
            var named = levelOf(environment);
            if (named is { } level)
                phrases[level].Add(environment);
            else if (phrases[AudioLevel.Ambience].Count == 0)
                phrases[AudioLevel.Ambience].Add(environment);
            environmentIsAmbience = phrases[AudioLevel.Ambience].Contains(environment);
        }
        return new CaptionLevels(phrases[AudioLevel.Foreground], phrases[AudioLevel.Background], phrases[AudioLevel.Ambience], environmentIsAmbience);
    }

    /// <summary>
    /// The level a phrase names by keyword alone, over <paramref name="anchors"/> (the relation rule's word test),
    /// for when no CLAP text tower is at hand.
    /// </summary>
    public static AudioLevel? KeywordLevel(RelationAnchors anchors, string phrase)
    {
        foreach (var level in AudioLevels.All)
            if (RelationRule.KeywordIn(anchors.Level(level), phrase) is not null)
                return level;
        return null;
    }
}
