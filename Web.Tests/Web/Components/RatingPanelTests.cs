using Bunit;
using Clap2Diffusion.Client.Components;
using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Tests.Web.Components;

public sealed class RatingPanelTests : ComponentTest
{
    [Fact]
    public void A_verdict_is_needed_before_saving_and_the_summary_updates_after()
    {
        var job = Guid.NewGuid();
        RatingSummary? raised = null;
        var view = Render<RatingPanel>(p => p.Add(c => c.JobId, job).Add(c => c.SummaryChanged, s => raised = s));
        Assert.True(view.Find("[data-testid=save-rating]").HasAttribute("disabled"));

        view.Find("input[data-testid=verdict-improved]").Click();
        view.Find("[data-testid=save-rating]").Click();

        var (ratedJob, rating) = Assert.Single(Gallery.Ratings);
        Assert.Equal((job, new RatingInput(AudioVerdict.Improved, null, null)), (ratedJob, rating));
        Assert.Equal(1, raised!.Improved);
        Assert.Contains("Thanks, your rating is saved. 1 rating: 1 improved, 0 no difference, 0 worse.",
            view.Find("[data-testid=rating-summary]").TextContent.ReplaceLineEndings(" ").Replace("  ", " "));
    }

    [Fact]
    public void Ones_earlier_rating_is_selected_and_the_means_are_shown()
    {
        var summary = new RatingSummary(2, 1, 0, 3.5, null, new RatingInput(AudioVerdict.NoDifference, 3, null));
        var view = Render<RatingPanel>(p => p.Add(c => c.JobId, Guid.NewGuid()).Add(c => c.Summary, summary));

        Assert.False(view.Find("[data-testid=save-rating]").HasAttribute("disabled"));
        Assert.Contains("prompt fidelity 3.5/5", view.Find("[data-testid=rating-summary]").TextContent);
    }
}
