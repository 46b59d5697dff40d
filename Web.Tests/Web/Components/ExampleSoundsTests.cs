using Bunit;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Generate;
using Clap2Diffusion.Engine.Composition;

namespace Clap2Diffusion.Tests.Web.Components;

public sealed class ExampleSoundsTests : ComponentTest
{
    private static readonly ExampleSound Bell = new("bell", "bell", "A bell rings", "/examples/bell.wav", "/media/b.wav",
    [
        new SuggestedPrompt(PromptAudioRelation.Matching, "a red circle with bell"),
        new SuggestedPrompt(PromptAudioRelation.Contradictory, "a red circle with barking"),
    ]);

    private static readonly AudioClip OwnClip = new(Guid.NewGuid(), "mine.wav", "/media/mine.wav", 2, 48_000, 1, 192_044);

    [Fact]
    public void Without_examples_the_panel_is_not_there_and_the_player_hides_until_there_is_a_clip()
    {
        var studio = Render<Studio>();

        Assert.Empty(studio.FindAll("[data-testid=examples]"));
        Assert.True(studio.Find("[data-testid=clip-player]").HasAttribute("hidden"));
    }

    [Fact]
    public void A_suggested_prompt_uses_the_sound_and_sets_the_prompt_in_one_click()
    {
        Examples.Current = new ExampleSet(true, [Bell]);
        var studio = Render<Studio>();

        var example = studio.Find("[data-testid=example]");
        Assert.Contains("A bell rings", example.TextContent);
        Assert.Equal("/examples/bell.wav", example.QuerySelector("audio")!.GetAttribute("src"));
        studio.FindAll("[data-testid=example-prompt]").Single(c => c.GetAttribute("data-relation") == "contradictory").Click();

        Assert.Equal(["bell"], Examples.Used);
        studio.WaitForAssertion(() => Assert.Contains("bell.wav", studio.Find("[data-testid=audio-clip]").TextContent));
        Assert.Equal("a red circle with barking", studio.Find("textarea[data-testid=prompt]").GetAttribute("value"));
        Assert.False(studio.Find("[data-testid=clip-player]").HasAttribute("hidden"));
        Assert.False(studio.Find("[data-testid=generate-pair]").HasAttribute("disabled"));
        Assert.Empty(studio.FindAll("[data-testid=own-sound-notice]"));
    }

    [Fact]
    public void On_the_demo_model_a_sound_of_ones_own_gets_a_plain_notice()
    {
        Examples.Current = new ExampleSet(true, [Bell]);
        var studio = Render<Studio>();

        studio.FindComponent<AudioInput>().Instance.OnUploaded(OwnClip);

        studio.WaitForAssertion(() => Assert.Contains("knows only the sounds of its own world", studio.Find("[data-testid=own-sound-notice]").TextContent));
    }

    [Fact]
    public void On_another_model_a_sound_of_ones_own_needs_no_notice()
    {
        Examples.Current = new ExampleSet(false, [Bell]);
        var studio = Render<Studio>();

        studio.FindComponent<AudioInput>().Instance.OnUploaded(OwnClip);

        studio.WaitForAssertion(() => Assert.Contains("mine.wav", studio.Find("[data-testid=audio-clip]").TextContent));
        Assert.Empty(studio.FindAll("[data-testid=own-sound-notice]"));
    }
}
