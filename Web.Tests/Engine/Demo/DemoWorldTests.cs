using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Tests.Engine.Demo;

public sealed class DemoWorldTests
{
    private static readonly DemoScene Full = new("star", "blue", "bell", "engine", "rain");

    [Fact]
    public void The_same_seed_gives_the_same_image_sound_and_caption()
    {
        Assert.Equal(SceneRenderer.Render(Full, new SeededRandom(3)), SceneRenderer.Render(Full, new SeededRandom(3)));
        Assert.Equal(SceneSynthesizer.Synthesize(Full, new SeededRandom(3), 16000, 2), SceneSynthesizer.Synthesize(Full, new SeededRandom(3), 16000, 2));
        Assert.Equal(AudioCaptionWriter.Write(Full, new SeededRandom(3)), AudioCaptionWriter.Write(Full, new SeededRandom(3)));
        Assert.NotEqual(SceneRenderer.Render(Full, new SeededRandom(3)), SceneRenderer.Render(Full, new SeededRandom(4)));
    }

    [Theory]
    [InlineData(AudioLevel.Foreground)]
    [InlineData(AudioLevel.Background)]
    [InlineData(AudioLevel.Ambience)]
    public void Each_level_changes_both_the_picture_and_the_sound(AudioLevel level)
    {
        var without = Full.With(level, null);

        var pixelsChanged = SceneRenderer.Render(Full, new SeededRandom(9)).Zip(SceneRenderer.Render(without, new SeededRandom(9))).Count(p => p.First != p.Second);
        var withSound = SceneSynthesizer.Synthesize(Full, new SeededRandom(9), 16000, 2);
        var withoutSound = SceneSynthesizer.Synthesize(without, new SeededRandom(9), 16000, 2);
        var energyOfDifference = withSound.Zip(withoutSound).Sum(p => (p.First - p.Second) * (double)(p.First - p.Second));

        Assert.True(pixelsChanged > 40, $"only {pixelsChanged} bytes changed");
        Assert.True(energyOfDifference / withSound.Length > 1e-4, $"difference energy {energyOfDifference / withSound.Length}");
    }

    [Fact]
    public void Sound_stays_within_full_scale_and_silence_is_a_faint_floor()
    {
        var loud = SceneSynthesizer.Synthesize(Full, new SeededRandom(1), 16000, 3);
        var quiet = SceneSynthesizer.Synthesize(new DemoScene("circle", "red", null, null, null), new SeededRandom(1), 16000, 3);

        Assert.InRange(loud.Max(Math.Abs), 0.05f, 0.9f);
        Assert.InRange(Math.Sqrt(quiet.Average(x => x * (double)x)), 0.001, 0.004);
    }

    [Fact]
    public void Captions_name_every_element_and_parse_into_events()
    {
        var random = new SeededRandom(11);
        for (var i = 0; i < 50; i++)
        {
            var scene = SceneSampler.Sample(random);
            var caption = AudioCaptionWriter.Write(scene, random);
            foreach (var element in scene.SceneElements)
                Assert.Contains(element, caption, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(Math.Max(1, scene.SceneElements.Count()), CaptionParser.Parse(caption).Events.Count);
        }
    }

    [Fact]
    public void Relations_follow_their_definitions()
    {
        var random = new SeededRandom(21);
        for (var i = 0; i < 40; i++)
        {
            var matching = RelationCase.Sample(PromptAudioRelation.Matching, random);
            Assert.All(matching.Audio.SceneElements, e => Assert.Contains(e, matching.Prompt));

            var complementary = RelationCase.Sample(PromptAudioRelation.Complementary, random);
            Assert.Equal(complementary.Audio.ObjectPhrase, complementary.Prompt);

            var creative = RelationCase.Sample(PromptAudioRelation.Creative, random);
            var creativeLevel = DemoVocabulary.LevelOf(creative.NamedElement!);
            Assert.Null(creative.Audio.Element(creativeLevel));
            Assert.Equal(creative.NamedElement, creative.Expected.Element(creativeLevel));

            var contradictory = RelationCase.Sample(PromptAudioRelation.Contradictory, random);
            var level = DemoVocabulary.LevelOf(contradictory.NamedElement!);
            Assert.NotNull(contradictory.Audio.Element(level));
            Assert.NotEqual(contradictory.NamedElement, contradictory.Audio.Element(level));
        }
    }

    [Fact]
    public void Training_captions_carry_scene_words_about_half_of_the_time()
    {
        var random = new SeededRandom(5);
        var withWords = 0;
        for (var i = 0; i < 2000; i++)
        {
            var scene = new DemoScene("square", "green", "barking", "chatter", "waves");
            if (PromptWriter.TrainingCaption(scene, random).Contains(" with "))
                withWords++;
        }
        Assert.InRange(withWords, 900, 1100);
    }

    [Fact]
    public void Unknown_names_are_refused_clearly()
    {
        Assert.Throws<Clap2Diffusion.Engine.InputException>(() => DemoVocabulary.ParseElement(AudioLevel.Ambience, "snow"));
        Assert.Null(DemoVocabulary.ParseElement(AudioLevel.Ambience, "None"));
        Assert.Throws<Clap2Diffusion.Engine.InputException>(() => SceneRenderer.Render(Full with { Shape = "hexagon" }, new SeededRandom(1)));
    }
}
