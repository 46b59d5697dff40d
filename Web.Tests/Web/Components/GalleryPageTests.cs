using Bunit;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Gallery;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Tests.Web.Components;

public sealed class GalleryPageTests : ComponentTest
{
    private GalleryItem Item(string prompt, bool mine = false)
    {
        var job = FakeJobQueue.Job(Guid.NewGuid(), JobKind.Pair, JobState.Completed, new GenerationSettings { Prompt = prompt, Seed = 5 }, mine)
            with { Images = new JobImages("/media/t.png", "/media/a.png"), Relation = PromptAudioRelation.Creative };
        return new GalleryItem(job, new RatingSummary(2, 0, 1, null, null, null));
    }

    [Fact]
    public void Rows_link_to_their_details_and_show_relation_and_ratings()
    {
        Gallery.Items.AddRange([Item("a red fox", mine: true), Item("a blue whale"), Item("a green frog")]);

        var page = Render<Gallery>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=gallery-item]").Count));
        Assert.Equal("3 generations", page.Find("[data-testid=gallery-count]").TextContent);
        var first = page.FindAll("[data-testid=gallery-item]")[0];
        Assert.Equal($"/gallery/{Gallery.Items[0].Job.Id}", first.QuerySelector("a.prompt")!.GetAttribute("href"));
        Assert.Contains("creative", first.TextContent);
        Assert.Contains("2↑ 0= 1↓", first.TextContent);
        Assert.Contains("mine", first.TextContent);
    }

    [Fact]
    public void Searching_asks_the_store_again_with_the_text()
    {
        Gallery.Items.AddRange([Item("a red fox"), Item("a blue whale")]);
        var page = Render<Gallery>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=gallery-item]").Count));

        page.Find("input[data-testid=search]").Input("whale");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=gallery-item]")), TimeSpan.FromSeconds(5));
        Assert.Equal("whale", Gallery.Queries[^1].Text);
        Assert.Equal("1 generation", page.Find("[data-testid=gallery-count]").TextContent);
    }
}
