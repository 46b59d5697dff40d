using System.Net;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Study;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Tests.Web.Study;

/// <summary>One person, one session: invitations, panel ids, the join limit, and the server's listening rule, against the real app and SQLite.</summary>
public sealed class StudyAccessTests : IDisposable
{
    private readonly TempFolder _data = new("study-access");

    private async Task<StudioFactory> StartAsync() => await new StudioFactory(_data.Path, new TestGenerationBackend()).ReadyAsync();

    [Fact]
    public async Task An_invitation_starts_one_session_and_a_used_link_cannot_start_another()
    {
        await using var factory = await StartAsync();
        var (studyId, code) = await factory.OpenStudyAsync(await factory.PairsAsync(2), attentionChecks: 0,
            configure: d => d with { Access = StudyAccess.Invitations });
        var studies = factory.Get<IStudyAdmin>();
        var links = await studies.CreateInvitationsAsync(studyId, 2);
        var tokens = links.Select(l => StudyLink.FromUri(l.Url)[StudyLink.InvitationParameter]!).ToList();
        var participation = factory.Get<IStudyParticipation>();

        var withoutLink = await participation.ConsentAsync(code, "participant-a");
        var first = await participation.ConsentAsync(code, "participant-a", StudyTestData.Link("invitation", tokens[0]));
        var reopened = await participation.OpenAsync(code, "participant-b", StudyTestData.Link("invitation", tokens[0]));
        var second = await participation.ConsentAsync(code, "participant-b", StudyTestData.Link("invitation", tokens[0]));
        await participation.ConsentAsync(code, "participant-c", StudyTestData.Link("invitation", tokens[0]));
        var resumed = await participation.OpenAsync(code, "participant-a");
        var other = await participation.ConsentAsync(code, "participant-b", StudyTestData.Link("invitation", tokens[1]));

        Assert.Equal(ParticipantStage.NeedsTicket, withoutLink.Stage);
        Assert.Equal(ParticipantStage.Rating, first.Stage);
        Assert.Equal(ParticipantStage.Duplicate, reopened.Stage);
        Assert.Equal(ParticipantStage.Duplicate, second.Stage);
        Assert.Equal(ParticipantStage.Rating, resumed.Stage);
        Assert.Equal(ParticipantStage.Rating, other.Stage);
        Assert.Equal(2, await factory.DbAsync(db => db.Participants.CountAsync()));
        Assert.Equal([true, true], (await studies.InvitationsAsync(studyId)).Select(i => i.UsedAt is not null));
        // participant-b was refused twice (open, consent) but is one browser; participant-c is another.
        Assert.Equal(2, (await studies.GetAsync(studyId))!.Conduct!.DuplicateSessionsRefused);
    }

    [Fact]
    public async Task Invitations_are_made_only_for_a_study_in_invitations_mode()
    {
        await using var factory = await StartAsync();
        var (studyId, _) = await factory.OpenStudyAsync(await factory.PairsAsync(1), attentionChecks: 0);

        Assert.Empty(await factory.Get<IStudyAdmin>().CreateInvitationsAsync(studyId, 3));
    }

    [Fact]
    public async Task A_panel_id_gets_one_session_and_the_completion_code_at_the_end()
    {
        await using var factory = await StartAsync();
        var (studyId, code) = await factory.OpenStudyAsync(await factory.PairsAsync(2), attentionChecks: 0, configure: d => d with
        {
            Access = StudyAccess.Panel, PanelIdParameter = "PID", CompletionCode = "C0DE42", CompletionUrl = "https://panel.example/complete?cc=C0DE42",
        });
        var participation = factory.Get<IStudyParticipation>();

        var noId = await participation.OpenAsync(code, "participant-a", StudyTestData.Link("PROLIFIC_PID", "5f1d2c3b4a5f1d2c3b4a5f1d"));
        var joined = await participation.ConsentAsync(code, "participant-a", StudyTestData.Link("PID", "5f1d2c3b4a5f1d2c3b4a5f1d"));
        var again = await participation.ConsentAsync(code, "participant-b", StudyTestData.Link("PID", "5f1d2c3b4a5f1d2c3b4a5f1d"));
        var badId = await participation.ConsentAsync(code, "participant-c", StudyTestData.Link("PID", "not an id!"));
        await participation.PlayAndVoteAsync(code, "participant-a", StudyChoice.Left);
        var finished = (await participation.PlayAndVoteAsync(code, "participant-a", StudyChoice.Tie)).View;

        Assert.Equal(ParticipantStage.NeedsTicket, noId.Stage);
        Assert.Equal(ParticipantStage.Rating, joined.Stage);
        Assert.Equal(ParticipantStage.Duplicate, again.Stage);
        Assert.Equal(ParticipantStage.NeedsTicket, badId.Stage);
        Assert.Equal(ParticipantStage.Finished, finished.Stage);
        Assert.Equal(new StudyCompletion("C0DE42", "https://panel.example/complete?cc=C0DE42"), finished.Completion);
        Assert.Null(joined.Completion);
        Assert.Equal("5f1d2c3b4a5f1d2c3b4a5f1d", await factory.DbAsync(db => db.Participants.Select(p => p.PanelId).SingleAsync()));
        var results = (await factory.Get<IStudyAdmin>().ResultsAsync(studyId, false))!;
        Assert.Equal((StudyAccess.Panel, 1, false), (results.Conduct.Access, results.Conduct.DuplicateSessionsRefused, results.IsPilot));
    }

    [Fact]
    public void A_panel_study_needs_a_completion_code_and_a_valid_parameter_name_and_url()
    {
        var draft = new StudyDraft("Panel", "", 10, 0, null, [Guid.NewGuid()], [], StudyAccess.Panel, "PROLIFIC PID", null, "ftp://x/", 11);

        var problems = draft.Problems();

        Assert.Contains(problems, p => p.Contains("participant id parameter", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("completion code", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("completion URL", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("listening tolerance", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_vote_sooner_than_the_clip_is_long_is_refused_counted_and_exported()
    {
        await using var factory = await StartAsync();
        var (studyId, code) = await factory.OpenStudyAsync(await factory.PairsAsync(1, clipSeconds: 1.5), attentionChecks: 0,
            configure: d => d with { ListeningToleranceSeconds = 0.2 });
        var participation = factory.Get<IStudyParticipation>();
        var trial = (await participation.ConsentAsync(code, "participant-a")).Trial!;
        Assert.True(await participation.AudioPlayedAsync(code, "participant-a", trial.TrialId));

        var tooFast = await participation.VoteAsync(code, "participant-a", trial.TrialId, StudyChoice.Left);
        var shownAt = await factory.DbAsync(db => db.Trials.Select(t => t.ShownAt).SingleAsync());
        var wait = shownAt!.Value.AddSeconds(1.5 - 0.2) - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait + TimeSpan.FromMilliseconds(50));
        var heard = await participation.VoteAsync(code, "participant-a", trial.TrialId, StudyChoice.Left);

        Assert.False(tooFast.Accepted);
        Assert.Contains("sooner than the sound is long (1.5 s)", tooFast.Problem);
        Assert.True(heard.Accepted);
        var votedAt = await factory.DbAsync(db => db.Trials.Select(t => t.VotedAt).SingleAsync());
        Assert.True((votedAt!.Value - shownAt.Value).TotalSeconds >= 1.3);
        Assert.Equal(1, (await factory.Get<IStudyAdmin>().ResultsAsync(studyId, false))!.Conduct.TooFastVotesRefused);
        var (votes, conduct) = (await factory.Get<StudyAdminService>().ExportAsync(studyId, CancellationToken.None))!.Value;
        var row = Csv.Read(StudyCsv.Write(votes, conduct)).Single();
        Assert.Equal(("1", "1", "open"), (row["too_fast_votes_refused"], row["study_too_fast_votes_refused"], row["access_mode"]));
        Assert.NotEqual("", row["shown_at"]);
        Assert.NotEqual("", row["audio_played_at"]);
    }

    [Fact]
    public async Task Joins_are_limited_per_client_address()
    {
        await using var factory = await new StudioFactory(_data.Path, new TestGenerationBackend(),
            new Dictionary<string, string?>(StudioFactory.NoExemptions) { ["Study:JoinsPerAddress"] = "3" }).ReadyAsync();
        var (_, code) = await factory.OpenStudyAsync(await factory.PairsAsync(1), attentionChecks: 0);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await factory.CreateClient().GetAsync($"/study/{code}");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        using var other = await factory.CreateClient().GetAsync("/gallery");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    public void Dispose() => _data.Dispose();
}
