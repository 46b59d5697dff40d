using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Tests.Engine.Composition;

/// <summary>Which phrases of a caption each level reads, with the general anchors' keywords deciding the levels.</summary>
public sealed class CaptionLevelsTests
{
    private static CaptionLevels Levels(string caption) =>
        CaptionLevels.Assign(CaptionParser.Parse(caption), phrase => CaptionLevels.KeywordLevel(RelationAnchors.General, phrase));

    [Fact]
    public void A_place_that_names_no_sound_becomes_the_ambience()
    {
        var levels = Levels("A man speaks in a large hall");

        Assert.Equal(["a man speaks"], levels.Foreground);
        Assert.Empty(levels.Background);
        Assert.Equal(["a large hall"], levels.Ambience);
        Assert.True(levels.EnvironmentIsAmbience);
    }

    [Fact]
    public void An_environment_that_names_an_ambience_sound_joins_the_ambience()
    {
        var levels = Levels("Birds chirp with wind blowing");

        Assert.Equal(["birds chirp"], levels.Foreground);
        Assert.Equal(["wind blowing"], levels.Ambience);
        Assert.True(levels.EnvironmentIsAmbience);
    }

    [Fact]
    public void A_place_does_not_displace_an_ambience_sound_the_events_name()
    {
        var levels = Levels("Rain falls while a dog barks at a farm");

        Assert.Equal(["a dog barks"], levels.Foreground);
        Assert.Equal(["rain falls"], levels.Ambience);
        Assert.False(levels.EnvironmentIsAmbience);
    }

    [Fact]
    public void An_environment_that_names_a_foreground_or_background_sound_goes_to_that_level()
    {
        var withDog = Levels("A man speaks with a dog barking");
        var withMusic = Levels("A woman sings with music playing");

        Assert.Equal(["a man speaks", "a dog barking"], withDog.Foreground);
        Assert.Empty(withDog.Ambience);
        Assert.False(withDog.EnvironmentIsAmbience);
        Assert.Equal(["music playing"], withMusic.Background);
        Assert.Empty(withMusic.Ambience);
    }

    [Fact]
    public void A_position_in_the_mix_is_no_environment()
    {
        var levels = Levels("A man speaks while birds chirp in the background");

        Assert.Empty(levels.Ambience);
        Assert.Equal(["a man speaks", "birds chirp in the background"], levels.Foreground);
    }

    [Fact]
    public void A_caption_without_environment_leaves_an_unnamed_ambience_empty()
    {
        var levels = Levels("A dog barks and a bell rings");

        Assert.Equal(["a dog barks", "a bell rings"], levels.Foreground);
        Assert.Empty(levels.Ambience);
        Assert.False(levels.EnvironmentIsAmbience);
    }
}
