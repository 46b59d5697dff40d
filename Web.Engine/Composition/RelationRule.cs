using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Composition;

/// <summary>
/// Classifies a prompt-audio pair level by level. For each hierarchy level: the sound the audio holds there is
/// its most similar anchor, if above the audio threshold; the sound the prompt names there is an anchor whose
/// keyword it contains, or whose phrase it is very similar to. Then, per level the prompt names: the audio holds
/// the same sound = matching, a different sound = contradictory, nothing = creative (the prompt adds what the
/// sound lacks). A prompt that names no level is complementary, unless it is close to the audio as a whole,
/// which is matching. Across levels, contradictory outranks creative, which outranks matching.
/// See docs/decisions/0006-composition-strategy.md.
/// </summary>
public static class RelationRule
{
    private static readonly AudioLevel[] Levels = [AudioLevel.Foreground, AudioLevel.Background, AudioLevel.Ambience];

    public static RelationAssessment Classify(RelationAnchors anchors, RelationEvidence evidence)
    {
        var levels = new List<LevelRelation>();
        foreach (var level in Levels)
        {
            var set = anchors.Level(level);
            if (set.Length == 0)
                continue;
            var audio = evidence.AudioToAnchors[level];
            var bestAudio = ArgMax(audio);
            var audioSound = audio[bestAudio] >= anchors.AudioThreshold ? set[bestAudio].Keyword : null;
            var promptSound = NamedSound(anchors, set, evidence.Prompt, evidence.PromptToAnchors[level]);

            PromptAudioRelation? relation = promptSound is null ? null
                : audioSound is null ? PromptAudioRelation.Creative
                : audioSound == promptSound ? PromptAudioRelation.Matching
                : PromptAudioRelation.Contradictory;
            levels.Add(new LevelRelation(level, audioSound, audio[bestAudio], promptSound, relation));
        }

        var named = levels.Where(l => l.Relation is not null).Select(l => l.Relation!.Value).ToList();
        var overall = named.Contains(PromptAudioRelation.Contradictory) ? PromptAudioRelation.Contradictory
            : named.Contains(PromptAudioRelation.Creative) ? PromptAudioRelation.Creative
            : named.Contains(PromptAudioRelation.Matching) || evidence.PromptAudio >= anchors.MatchThreshold ? PromptAudioRelation.Matching
            : PromptAudioRelation.Complementary;
        return new RelationAssessment(overall, evidence.PromptAudio, levels);
    }

    private static string? NamedSound(RelationAnchors anchors, SoundAnchor[] set, string prompt, double[] similarities)
    {
        if (KeywordIn(set, prompt) is { } keyword)
            return keyword;
        var best = ArgMax(similarities);
        return similarities[best] >= anchors.PromptThreshold ? set[best].Keyword : null;
    }

    /// <summary>The keyword of the first anchor the text names by word ("bark", "barks" and "barking" all name "bark").</summary>
    internal static string? KeywordIn(SoundAnchor[] set, string text) =>
        set.FirstOrDefault(anchor => ContainsWord(text, anchor.Keyword))?.Keyword;

    internal static bool ContainsWord(string text, string keyword) => WordPatterns.GetOrAdd(keyword, MakeWordPattern).IsMatch(text);

    // Regex's own cache holds 15 patterns; the anchors have more keywords, so over a dataset's captions every call
    // would build its pattern anew.
    private static readonly ConcurrentDictionary<string, Regex> WordPatterns = new(StringComparer.Ordinal);

    private static Regex MakeWordPattern(string keyword) =>
        new($@"\b{Regex.Escape(keyword)}(s|es|ing)?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    private static int ArgMax(double[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }
}
