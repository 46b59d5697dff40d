using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

public sealed class SceneAccuracyTests
{
    private static Dictionary<string, string> Labels(string shape, string color, string foreground, string background, string ambience) => new()
    {
        [SceneAttributes.Shape] = shape,
        [SceneAttributes.Color] = color,
        [SceneAttributes.Foreground] = foreground,
        [SceneAttributes.Background] = background,
        [SceneAttributes.Ambience] = ambience,
    };

    [Fact]
    public void Every_attribute_is_scored_against_the_expected_scene_with_none_for_an_empty_level()
    {
        var expected = new DemoScene("circle", "red", "bell", null, "rain");

        var hits = SceneAccuracy.Score(SceneLabels.LabelsOf(expected), Labels("circle", "blue", "bell", "engine", "rain"));

        Assert.Equal(0, hits[SceneAccuracy.Object]);
        Assert.Equal(1, hits[SceneAccuracy.Shape]);
        Assert.Equal(0, hits[SceneAccuracy.Color]);
        Assert.Equal(1, hits[SceneAttributes.Foreground]);
        Assert.Equal(0, hits[SceneAttributes.Background]);
        Assert.Equal(1, hits[SceneAttributes.Ambience]);
        Assert.Equal(2.0 / 3, hits[SceneAccuracy.Elements], 12);
        Assert.Equal(0, hits[SceneAccuracy.Scene]);
    }

    [Fact]
    public void A_perfect_reading_hits_everything_and_an_empty_level_read_as_none_counts_as_right()
    {
        var expected = new DemoScene("star", "green", null, "chatter", null);

        var hits = SceneAccuracy.Score(SceneLabels.LabelsOf(expected), Labels("star", "green", DemoVocabulary.None, "chatter", DemoVocabulary.None));

        Assert.All(SceneAccuracy.Metrics, metric => Assert.Equal(1, hits[metric]));
    }

    [Fact]
    public void A_reader_without_every_head_is_refused()
    {
        var labels = Labels("star", "green", "bell", "engine", "rain");
        labels.Remove(SceneAttributes.Ambience);

        var error = Assert.Throws<InputException>(() => SceneAccuracy.Score(SceneLabels.LabelsOf(new DemoScene("star", "green", null, null, null)), labels));
        Assert.Contains("ambience", error.Message);
    }
}
