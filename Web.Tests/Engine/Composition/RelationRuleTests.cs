using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Tests.Engine.Composition;

/// <summary>The relation rule on hand-made similarities: each branch of the decision, level by level.</summary>
public sealed class RelationRuleTests
{
    private static readonly RelationAnchors Anchors = new()
    {
        Foreground = [new("dog", "a dog barking"), new("bell", "a bell ringing")],
        Background = [new("engine", "an engine idling"), new("chatter", "people chattering")],
        Ambience = [new("rain", "rain falling"), new("waves", "waves crashing")],
        AudioThreshold = 0.3,
        PromptThreshold = 0.7,
        MatchThreshold = 0.5,
    };

    // Audio similarities per level, in anchor order; the prompt's similarities stay low unless a test says otherwise.
    private static RelationEvidence Evidence(string prompt, double promptAudio, double[] foreground, double[] background, double[] ambience,
        double[]? promptForeground = null) => new(prompt, promptAudio,
        new Dictionary<AudioLevel, double[]>
        {
            [AudioLevel.Foreground] = promptForeground ?? [0.1, 0.1],
            [AudioLevel.Background] = [0.1, 0.1],
            [AudioLevel.Ambience] = [0.1, 0.1],
        },
        new Dictionary<AudioLevel, double[]>
        {
            [AudioLevel.Foreground] = foreground,
            [AudioLevel.Background] = background,
            [AudioLevel.Ambience] = ambience,
        });

    [Fact]
    public void A_prompt_naming_the_sound_the_audio_holds_is_matching()
    {
        var result = RelationRule.Classify(Anchors, Evidence("a dog in the park", 0.2, [0.6, 0.1], [0.0, 0.0], [0.0, 0.0]));
        Assert.Equal(PromptAudioRelation.Matching, result.Relation);
        var foreground = result.Levels.Single(l => l.Level == AudioLevel.Foreground);
        Assert.Equal("dog", foreground.AudioSound);
        Assert.Equal("dog", foreground.PromptSound);
        Assert.Empty(result.ConflictingLevels);
    }

    [Fact]
    public void A_prompt_silent_about_every_level_is_complementary_unless_close_to_the_audio()
    {
        var quiet = Evidence("a person", 0.2, [0.6, 0.1], [0.5, 0.1], [0.0, 0.0]);
        Assert.Equal(PromptAudioRelation.Complementary, RelationRule.Classify(Anchors, quiet).Relation);
        var close = quiet with { PromptAudio = 0.55 };
        Assert.Equal(PromptAudioRelation.Matching, RelationRule.Classify(Anchors, close).Relation);
    }

    [Fact]
    public void A_prompt_naming_a_sound_the_audio_lacks_is_creative()
    {
        var result = RelationRule.Classify(Anchors, Evidence("a cat in the rain", 0.1, [0.6, 0.1], [0.0, 0.0], [0.1, 0.2]));
        Assert.Equal(PromptAudioRelation.Creative, result.Relation);
        Assert.Null(result.Levels.Single(l => l.Level == AudioLevel.Ambience).AudioSound);
    }

    [Fact]
    public void A_prompt_naming_another_sound_at_a_level_is_contradictory_and_outranks_the_rest()
    {
        // The foreground matches, the ambience contradicts: the pair is contradictory, with one conflicting level.
        var result = RelationRule.Classify(Anchors, Evidence("a barking dog by the waves", 0.3, [0.6, 0.1], [0.0, 0.0], [0.7, 0.2]));
        Assert.Equal(PromptAudioRelation.Contradictory, result.Relation);
        Assert.Equal([AudioLevel.Ambience], result.ConflictingLevels);
    }

    [Fact]
    public void Plurals_and_verb_forms_of_a_keyword_count_but_words_containing_it_do_not()
    {
        Assert.True(RelationRule.ContainsWord("two dogs", "dog"));
        Assert.True(RelationRule.ContainsWord("Bells at noon", "bell"));
        Assert.False(RelationRule.ContainsWord("a dogma", "dog"));
        Assert.False(RelationRule.ContainsWord("a doghouse", "dog"));
    }

    [Fact]
    public void A_prompt_close_to_an_anchor_phrase_names_it_without_the_keyword()
    {
        var result = RelationRule.Classify(Anchors, Evidence("a hound", 0.2, [0.1, 0.6], [0.0, 0.0], [0.0, 0.0], promptForeground: [0.8, 0.1]));
        var foreground = result.Levels.Single(l => l.Level == AudioLevel.Foreground);
        Assert.Equal("dog", foreground.PromptSound);
        Assert.Equal("bell", foreground.AudioSound);
        Assert.Equal(PromptAudioRelation.Contradictory, result.Relation);
    }
}
