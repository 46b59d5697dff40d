using Bunit;
using Clap2Diffusion.Client.Components;

namespace Clap2Diffusion.Tests.Web.Components;

public sealed class PairCompareTests : ComponentTest
{
    [Fact]
    public void Without_a_pair_it_shows_the_one_image()
    {
        var view = Render<PairCompare>(p => p.Add(c => c.TextOnlyUrl, "/media/t.png"));

        var image = Assert.Single(view.FindAll("img"));
        Assert.Equal("/media/t.png", image.GetAttribute("src"));
        Assert.Empty(view.FindAll("input[type=range]"));
    }

    [Fact]
    public void Moving_the_slider_moves_the_split_between_the_images()
    {
        var view = Render<PairCompare>(p => p.Add(c => c.TextOnlyUrl, "/t.png").Add(c => c.AudioConditionedUrl, "/a.png"));
        Assert.Contains("--split: 50%", view.Find(".ab").GetAttribute("style"));

        view.Find("[data-testid=ab-slider]").Input("30");

        Assert.Contains("--split: 30%", view.Find(".ab").GetAttribute("style"));
        Assert.Equal("/t.png", view.Find("[data-testid=ab-over]").GetAttribute("src"));
    }

    [Fact]
    public void Side_by_side_shows_both_images_labelled()
    {
        var view = Render<PairCompare>(p => p.Add(c => c.TextOnlyUrl, "/t.png").Add(c => c.AudioConditionedUrl, "/a.png")
            .Add(c => c.Mode, CompareMode.SideBySide).Add(c => c.Zoom, 2));

        var captions = view.FindAll("figcaption").Select(f => f.TextContent).ToList();
        Assert.Equal(["Text only", "With audio"], captions);
        Assert.All(view.FindAll("img"), img => Assert.Contains("scale(2)", img.GetAttribute("style")));
    }
}
