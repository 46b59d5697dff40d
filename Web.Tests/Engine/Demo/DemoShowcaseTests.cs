using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.Showcase;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Demo;

public sealed class DemoShowcaseTests
{
    private static string Committed => Path.Combine(SharedData.RepositoryRoot, "docs", "showcase.png");

    [Fact]
    public void The_showcase_covers_the_four_relations_with_at_least_five_creative_or_contradictory_rows()
    {
        var cases = DemoShowcase.Cases;

        Assert.True(cases.Count >= 8, $"{cases.Count} rows");
        Assert.Equal(Enum.GetValues<PromptAudioRelation>().ToHashSet(), cases.Select(c => c.Relation).ToHashSet());
        Assert.True(cases.Count(c => c.Relation is PromptAudioRelation.Creative or PromptAudioRelation.Contradictory) >= 5);
        Assert.Equal(cases.Count, cases.Select(c => c.Seed).Distinct().Count());
        foreach (var item in cases)
        {
            var named = DemoVocabulary.Foreground.Concat(DemoVocabulary.Background).Concat(DemoVocabulary.Ambience)
                .Where(e => item.Prompt.Split(' ', ',').Contains(e)).ToList();
            Assert.StartsWith(item.Sound.ObjectPhrase, item.Prompt);
            var fits = item.Relation switch
            {
                PromptAudioRelation.Matching => named.Count > 0 && named.All(e => item.Sound.Element(DemoVocabulary.LevelOf(e)) == e),
                PromptAudioRelation.Complementary => named.Count == 0 && item.Sound.SceneElements.Any(),
                PromptAudioRelation.Creative => named.Count == 1 && item.Sound.Element(DemoVocabulary.LevelOf(named[0])) is null,
                _ => named.Count == 1 && item.Sound.Element(DemoVocabulary.LevelOf(named[0])) is { } heard && heard != named[0],
            };
            Assert.True(fits, $"'{item.Prompt}' with {item.Levels} is not {item.Relation}");
        }
    }

    [Fact]
    public void The_committed_showcase_is_small_and_rerendering_its_first_rows_reproduces_them_within_1_of_255()
    {
        Assert.True(File.Exists(Committed), $"the showcase is missing at {Committed}; render it with `demo showcase --out docs`");
        Assert.True(new FileInfo(Committed).Length < 400 * 1024, $"{new FileInfo(Committed).Length} bytes");
        var committed = RgbImage.Load(Committed);

        using var pipeline = ClapDiffusionPipeline.Load(new PipelineOptions(EmbeddedModel.Require(null), Target: ComputeTarget.Cpu));
        using var classifier = SceneImageClassifier.Load(Path.Combine(EmbeddedModel.DefaultFolder, "classifier"), ComputeTarget.Cpu);
        var rows = DemoShowcase.Generate(pipeline, classifier, cases: DemoShowcase.Cases.Take(2).ToList());
        using var grid = DemoShowcase.Render(rows);
        var fresh = new RgbImage(grid.Width, grid.Height, Clap2Diffusion.Engine.Imaging.SkiaPixels.CopyRgb(grid));

        Assert.Equal(fresh.Width, committed.Width);
        var worst = 0;
        // The fresh grid ends with a margin where the committed one goes on to its third row.
        for (var y = 0; y < fresh.Height - DemoShowcase.Gap; y++)
            for (var x = 0; x < fresh.Width; x++)
                for (var c = 0; c < 3; c++)
                    worst = Math.Max(worst, Math.Abs(fresh[x, y, c] - committed[x, y, c]));
        Assert.True(worst <= 1, $"the first rows differ from the committed showcase by up to {worst}/255 per channel");
    }
}
