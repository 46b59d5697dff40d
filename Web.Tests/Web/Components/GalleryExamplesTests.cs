using Bunit;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Gallery;
using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Tests.Web.Components;

public sealed class GalleryExamplesTests : ComponentTest
{
    [Fact]
    public void An_example_pair_wears_an_example_badge_and_a_visitors_pair_does_not()
    {
        var example = FakeJobQueue.Job(Guid.NewGuid(), JobKind.Pair, JobState.Completed, new GenerationSettings { Prompt = "a red circle with bell and rain", Seed = 11 }, mine: false)
            with { Images = new JobImages("/media/t.png", "/media/a.png"), IsExample = true };
        var visitors = example with { Id = Guid.NewGuid(), Settings = example.Settings with { Prompt = "a blue square" }, IsExample = false };
        Gallery.Items.AddRange([new GalleryItem(example, RatingSummary.None), new GalleryItem(visitors, RatingSummary.None)]);

        var page = Render<Gallery>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=gallery-item]").Count));
        var rows = page.FindAll("[data-testid=gallery-item]");
        Assert.Single(rows[0].QuerySelectorAll("[data-testid=example-badge]"));
        Assert.Empty(rows[1].QuerySelectorAll("[data-testid=example-badge]"));
    }

    [Fact]
    public void An_empty_gallery_says_so_and_links_to_the_studio()
    {
        var page = Render<Gallery>();

        page.WaitForAssertion(() => Assert.Contains("The gallery is empty", page.Find("[data-testid=gallery-empty]").TextContent));
        Assert.Equal("/", page.Find("[data-testid=gallery-empty] a").GetAttribute("href"));
    }
}
