using Bunit;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Study;
using Clap2Diffusion.Tests.Web.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Tests.Web.Study;

/// <summary>The participant's page alone, with a participation service the test controls.</summary>
public sealed class StudyPageTests : ComponentTest
{
    private readonly FakeParticipation _participation = new();

    protected override void AddServices(IServiceCollection services) => services.AddSingleton<IStudyParticipation>(_participation);

    private IRenderedComponent<StudyPage> RenderPage() => Render<StudyPage>(p => p.Add(x => x.JoinCode, "abcdefghjkmn"));

    [Fact]
    public void The_consent_page_comes_first_and_says_what_is_kept()
    {
        var page = RenderPage();

        Assert.Contains("No name, no e-mail address", page.Find("[data-testid=consent]").TextContent);
        page.Find("[data-testid=consent-agree]").Click();

        Assert.Equal("Pair 1 of 2", page.Find("[data-testid=trial-heading]").TextContent);
        Assert.Equal(["consent"], _participation.Calls);
    }

    [Fact]
    public void Answers_stay_disabled_until_the_sound_has_played_to_its_end()
    {
        _participation.Consented = true;
        var page = RenderPage();

        Assert.All(page.FindAll("[data-testid^=vote-]"), button => Assert.True(button.HasAttribute("disabled")));
        page.Find("[data-testid=trial]").KeyDown(new KeyboardEventArgs { Key = "1" });
        Assert.DoesNotContain("vote", _participation.Calls);

        page.Find("[data-testid=trial-audio]").TriggerEvent("onended", EventArgs.Empty);

        Assert.Contains("Sound played", page.Find("[data-testid=audio-state]").TextContent);
        Assert.All(page.FindAll("[data-testid^=vote-]"), button => Assert.False(button.HasAttribute("disabled")));
    }

    [Fact]
    public void Keys_one_to_four_answer_and_the_next_pair_is_announced()
    {
        _participation.Consented = true;
        var page = RenderPage();
        page.Find("[data-testid=trial-audio]").TriggerEvent("onended", EventArgs.Empty);

        page.Find("[data-testid=trial]").KeyDown(new KeyboardEventArgs { Key = "2" });

        Assert.Equal(StudyChoice.Right, _participation.Votes.Single());
        Assert.Equal("Pair 2 of 2", page.Find("[data-testid=trial-heading]").TextContent);
        Assert.Contains("Answer saved. Pair 2 of 2.", page.Find("[data-testid=announcement]").TextContent);
        Assert.All(page.FindAll("[data-testid^=vote-]"), button => Assert.True(button.HasAttribute("disabled")));
    }

    [Fact]
    public void A_refused_vote_is_explained()
    {
        _participation.Consented = true;
        _participation.Refuse = "You have already voted on this pair; each pair gets one vote.";
        var page = RenderPage();
        page.Find("[data-testid=trial-audio]").TriggerEvent("onended", EventArgs.Empty);

        page.Find("[data-testid=vote-tie]").Click();

        Assert.Contains("already voted", page.Find("[data-testid=vote-problem]").TextContent);
    }

    [Fact]
    public void The_images_are_only_called_left_and_right()
    {
        _participation.Consented = true;
        var page = RenderPage();

        Assert.Equal(["Left image", "Right image"], page.FindAll(".pair img").Select(i => i.GetAttribute("alt")));
        Assert.DoesNotMatch("(?i)audio-conditioned|text-only|with audio", page.Markup);
    }

    private sealed class FakeParticipation : IStudyParticipation
    {
        public bool Consented { get; set; }

        public string? Refuse { get; set; }

        public List<string> Calls { get; } = [];

        public List<StudyChoice> Votes { get; } = [];

        private ParticipantView View(int done) => !Consented
            ? new ParticipantView(ParticipantStage.Consent, "Does the sound help?", "Listen first.", 0, 2, null)
            : done >= 2
                ? new ParticipantView(ParticipantStage.Finished, "Does the sound help?", "", 2, 2, null)
                : new ParticipantView(ParticipantStage.Rating, "Does the sound help?", "", done, 2,
                    new TrialView(Guid.NewGuid(), done + 1, 2, "a dog", "/study-media/aaaaaaaaaaaaaaaaaaaaaa", "/study-media/bbbbbbbbbbbbbbbbbbbbbb",
                        "/study-media/cccccccccccccccccccccc", false));

        public Task<ParticipantView> OpenAsync(string joinCode, string clientId, StudyLink? link = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(View(Votes.Count));

        public Task<ParticipantView> ConsentAsync(string joinCode, string clientId, StudyLink? link = null, CancellationToken cancellationToken = default)
        {
            Calls.Add("consent");
            Consented = true;
            return Task.FromResult(View(Votes.Count));
        }

        public Task<bool> AudioPlayedAsync(string joinCode, string clientId, Guid trialId, CancellationToken cancellationToken = default) =>
            Task.FromResult(true);

        public Task<VoteResult> VoteAsync(string joinCode, string clientId, Guid trialId, StudyChoice choice, CancellationToken cancellationToken = default)
        {
            Calls.Add("vote");
            if (Refuse is not null)
                return Task.FromResult(new VoteResult(false, Refuse, View(Votes.Count)));
            Votes.Add(choice);
            return Task.FromResult(new VoteResult(true, null, View(Votes.Count)));
        }
    }
}
