using System.Net;
using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Server.Study;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Tests.Web.Study;

/// <summary>The study against the real app and a real SQLite file, with the test generation backend.</summary>
public sealed class StudyServiceTests : IDisposable
{
    private readonly TempFolder _data = new("study");
    private readonly TestGenerationBackend _backend = new();

    private async Task<StudioFactory> StartAsync() => await new StudioFactory(_data.Path, _backend).ReadyAsync();

    [Fact]
    public async Task A_study_of_gallery_pairs_keeps_metadata_free_copies_adds_attention_checks_and_leaves_the_gallery()
    {
        await using var factory = await StartAsync();
        var pairs = await factory.PairsAsync(3);
        var (studyId, _) = await factory.OpenStudyAsync(pairs, attentionChecks: 2);

        var detail = (await factory.Get<IStudyAdmin>().GetAsync(studyId))!;
        Assert.Equal((3, 2, 0), (detail.Summary.Pairs, detail.Summary.AttentionChecks, detail.Summary.PendingPairs));
        var folder = factory.Get<StudyMedia>().FolderOf(studyId);
        var pngs = Directory.GetFiles(folder, "*.png");
        Assert.Equal(3 * 2 + 2 * 2, pngs.Length);
        Assert.All(pngs, png => Assert.Equal(["IHDR", "IDAT", "IEND"], PngReader.Read(png).ChunkTypes.Distinct()));
        Assert.All(pngs, png => Assert.DoesNotContain(pairs, id => Path.GetFileName(png).Contains(id.ToString("N"), StringComparison.Ordinal)));

        var gallery = await factory.ClientFor("visitor-0001").GetStringAsync("/api/gallery");
        Assert.Equal(0, JsonDocument.Parse(gallery).RootElement.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ClientFor("pair-maker-01").GetAsync($"/api/jobs/{pairs[0]}")).StatusCode);
        Assert.Null(await factory.Get<IGalleryStore>().GetAsync(pairs[0], "visitor-0001"));
    }

    [Fact]
    public async Task Pairs_generated_on_creation_fill_the_study_when_their_jobs_finish()
    {
        await using var factory = await StartAsync();
        var upload = await factory.UploadAsync(StudyTestData.AdminClient);
        _backend.Gate.Reset();
        var created = await factory.Get<IStudyAdmin>().CreateAsync(StudyTestData.AdminClient, new StudyDraft("Fresh pairs", "", 50, 1, null, [],
            [new NewStudyPair("a cat on a roof", upload, 7), new NewStudyPair("a train at night", upload, null)]));
        Assert.Empty(created.Problems);
        var studyId = created.StudyId!.Value;
        Assert.Equal((StudyState.Preparing, 2), ((await factory.Get<IStudyAdmin>().GetAsync(studyId))!.Summary.State,
            (await factory.Get<IStudyAdmin>().GetAsync(studyId))!.Summary.PendingPairs));

        _backend.Gate.Set();
        await StudioApi.WaitUntilAsync(() => factory.Get<IStudyAdmin>().GetAsync(studyId).Result!.Summary.State == StudyState.Ready,
            "the generated pairs fill the study");
        var detail = (await factory.Get<IStudyAdmin>().GetAsync(studyId))!;
        Assert.Equal(["a cat on a roof", "a train at night"], detail.Items.Where(i => !i.IsAttentionCheck).Select(i => i.Prompt).Order());
        Assert.Equal(1, detail.Summary.AttentionChecks);
        var jobs = await factory.DbAsync(db => db.Jobs.Where(j => j.OwnerId == StudyTestData.AdminClient).ToListAsync());
        Assert.Contains(jobs, j => j.Seed == 7);
    }

    [Fact]
    public async Task A_study_refuses_clips_that_are_not_the_admins_own_uploads()
    {
        await using var factory = await StartAsync();
        var someoneElses = await factory.UploadAsync("another-visitor");

        var created = await factory.Get<IStudyAdmin>().CreateAsync(StudyTestData.AdminClient,
            new StudyDraft("Borrowed clip", "", 10, 0, null, [], [new NewStudyPair("a dog", someoneElses, null)]));

        Assert.Null(created.StudyId);
        Assert.Contains(created.Problems, p => p.Contains("not found among your uploads", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_participant_gets_every_pair_once_in_a_random_order_with_a_recorded_random_side()
    {
        await using var factory = await StartAsync();
        var (studyId, code) = await factory.OpenStudyAsync(await factory.PairsAsync(24), attentionChecks: 2);
        var participation = factory.Get<IStudyParticipation>();

        Assert.Equal(ParticipantStage.Consent, (await participation.OpenAsync(code, "participant-a")).Stage);
        var view = await participation.ConsentAsync(code, "participant-a");
        await participation.ConsentAsync(code, "participant-b");

        Assert.Equal((ParticipantStage.Rating, 0, 26), (view.Stage, view.Done, view.Total));
        var trials = await factory.DbAsync(db => db.Trials.Include(t => t.Item).ToListAsync());
        var byParticipant = trials.GroupBy(t => t.ParticipantId).ToList();
        Assert.Equal(2, byParticipant.Count);
        foreach (var own in byParticipant)
        {
            Assert.Equal(26, own.Select(t => t.ItemId).Distinct().Count());
            Assert.Equal(Enumerable.Range(1, 26), own.Select(t => t.Order).Order());
            Assert.Contains(own, t => t.TargetOnLeft);
            Assert.Contains(own, t => !t.TargetOnLeft);
        }

        var orderA = byParticipant[0].OrderBy(t => t.Order).Select(t => t.ItemId);
        var orderB = byParticipant[1].OrderBy(t => t.Order).Select(t => t.ItemId);
        Assert.NotEqual(orderA, orderB);
        Assert.Equal(trials.Count * 3, trials.SelectMany(t => new[] { t.LeftToken, t.RightToken, t.AudioToken }).Distinct().Count());
        Assert.Equal(studyId, trials[0].Item!.StudyId);
    }

    [Fact]
    public async Task Pairs_per_participant_spread_the_ratings_evenly()
    {
        await using var factory = await StartAsync();
        var (_, code) = await factory.OpenStudyAsync(await factory.PairsAsync(6), attentionChecks: 0, perParticipant: 2);
        var participation = factory.Get<IStudyParticipation>();

        for (var i = 0; i < 3; i++)
            Assert.Equal(2, (await participation.ConsentAsync(code, $"participant-{i}")).Total);

        var shown = await factory.DbAsync(db => db.Trials.GroupBy(t => t.ItemId).Select(g => g.Count()).ToListAsync());
        Assert.Equal(Enumerable.Repeat(1, 6), shown);
    }

    [Fact]
    public async Task A_vote_needs_the_sound_played_and_each_pair_takes_one_vote_from_its_own_participant()
    {
        await using var factory = await StartAsync();
        var (_, code) = await factory.OpenStudyAsync(await factory.PairsAsync(2), attentionChecks: 0);
        var participation = factory.Get<IStudyParticipation>();
        var trial = (await participation.ConsentAsync(code, "participant-a")).Trial!;
        await participation.ConsentAsync(code, "participant-b");

        var early = await participation.VoteAsync(code, "participant-a", trial.TrialId, StudyChoice.Left);
        Assert.False(await participation.AudioPlayedAsync(code, "participant-b", trial.TrialId));
        var intruder = await participation.VoteAsync(code, "participant-b", trial.TrialId, StudyChoice.Left);
        Assert.True(await participation.AudioPlayedAsync(code, "participant-a", trial.TrialId));
        var first = await participation.VoteAsync(code, "participant-a", trial.TrialId, StudyChoice.Tie);
        var second = await participation.VoteAsync(code, "participant-a", trial.TrialId, StudyChoice.Left);

        Assert.False(early.Accepted);
        Assert.Contains("Play the sound", early.Problem);
        Assert.False(intruder.Accepted);
        Assert.Contains("not one of yours", intruder.Problem);
        Assert.True(first.Accepted);
        Assert.Equal((1, 2), (first.View.Done, first.View.Trial!.Number));
        Assert.False(second.Accepted);
        Assert.Contains("already voted", second.Problem);
        var votes = await factory.DbAsync(db => db.Trials.Where(t => t.Choice != null).Select(t => t.Choice).ToListAsync());
        Assert.Equal([StudyChoice.Tie], votes);
    }

    [Fact]
    public async Task A_participant_resumes_at_the_first_unanswered_pair_and_finishes()
    {
        await using var factory = await StartAsync();
        var (_, code) = await factory.OpenStudyAsync(await factory.PairsAsync(2), attentionChecks: 1);
        var participation = factory.Get<IStudyParticipation>();
        await participation.ConsentAsync(code, "participant-a");
        await participation.PlayAndVoteAsync(code, "participant-a", StudyChoice.Right);

        var resumed = await participation.OpenAsync(code, "participant-a");
        var again = await participation.ConsentAsync(code, "participant-a");
        await participation.PlayAndVoteAsync(code, "participant-a", StudyChoice.BothBad);
        var last = await participation.PlayAndVoteAsync(code, "participant-a", StudyChoice.Left);

        Assert.Equal((2, 1), (resumed.Trial!.Number, resumed.Done));
        Assert.Equal(resumed.Trial.TrialId, again.Trial!.TrialId);
        Assert.Equal((ParticipantStage.Finished, 3, 3), (last.View.Stage, last.View.Done, last.View.Total));
        Assert.Equal(3, await factory.DbAsync(db => db.Trials.CountAsync()));
    }

    [Fact]
    public async Task A_study_with_its_target_takes_no_newcomers_and_a_closed_study_takes_no_votes()
    {
        await using var factory = await StartAsync();
        var (studyId, code) = await factory.OpenStudyAsync(await factory.PairsAsync(1), attentionChecks: 0, target: 1);
        var participation = factory.Get<IStudyParticipation>();
        await participation.ConsentAsync(code, "participant-a");
        await participation.ConsentAsync(code, "participant-b");
        await participation.PlayAndVoteAsync(code, "participant-a", StudyChoice.Left);

        Assert.Equal(ParticipantStage.Full, (await participation.ConsentAsync(code, "participant-c")).Stage);
        Assert.True(await factory.Get<IStudyAdmin>().SetStateAsync(studyId, StudyState.Closed));
        var view = await participation.OpenAsync(code, "participant-b");
        Assert.Equal(ParticipantStage.NotOpen, view.Stage);
        var trialId = await factory.DbAsync(db => db.Trials.Where(t => t.Choice == null).Select(t => t.Id).SingleAsync());
        await participation.AudioPlayedAsync(code, "participant-b", trialId);
        var refused = await participation.VoteAsync(code, "participant-b", trialId, StudyChoice.Left);
        Assert.False(refused.Accepted);
        Assert.Contains("closed", refused.Problem);
        Assert.Equal(ParticipantStage.NotFound, (await participation.OpenAsync("nosuchstudy0", "participant-a")).Stage);
    }

    [Fact]
    public async Task Trial_media_goes_only_to_its_participant_uncached_and_without_metadata()
    {
        await using var factory = await StartAsync();
        var pairs = await factory.PairsAsync(1);
        var (_, code) = await factory.OpenStudyAsync(pairs, attentionChecks: 0);
        var trial = (await factory.Get<IStudyParticipation>().ConsentAsync(code, "participant-a")).Trial!;
        var owner = factory.ClientFor("participant-a");
        var stranger = factory.ClientFor("participant-b");

        foreach (var url in new[] { trial.LeftImageUrl, trial.RightImageUrl })
        {
            using var image = await owner.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
            Assert.Contains("no-store", image.Headers.CacheControl!.ToString());
            Assert.Null(image.Content.Headers.ContentDisposition);
            var png = PngReader.Parse(await image.Content.ReadAsByteArrayAsync());
            Assert.Empty(png.Texts());
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(url)).StatusCode);
            Assert.Matches("^/study-media/[A-Za-z0-9_-]{22}$", url);
        }

        using var audio = await owner.GetAsync(trial.AudioUrl);
        Assert.Equal("audio/wav", audio.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(trial.AudioUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync("/study-media/..%2F..%2Fstudio.db")).StatusCode);
    }

    [Fact]
    public async Task What_a_participant_receives_names_no_job_no_file_and_no_condition()
    {
        await using var factory = await StartAsync();
        var pairs = await factory.PairsAsync(2);
        var (studyId, code) = await factory.OpenStudyAsync(pairs, attentionChecks: 1);
        var view = await factory.Get<IStudyParticipation>().ConsentAsync(code, "participant-a");

        var forbidden = new[] { "audio", "target", "condition", "job", "relation", "seed", "hash", "attention" };
        foreach (var type in new[] { typeof(ParticipantView), typeof(TrialView) })
        {
            foreach (var property in type.GetProperties().Where(p => p.Name != "AudioUrl" && p.Name != "AudioPlayed"))
                Assert.DoesNotContain(forbidden, word => property.Name.Contains(word, StringComparison.OrdinalIgnoreCase));
        }

        var json = JsonSerializer.Serialize(view);
        var items = await factory.DbAsync(db => db.StudyItems.ToListAsync());
        var jobs = await factory.DbAsync(db => db.Jobs.ToListAsync());
        var hashes = jobs.SelectMany(j => new[] { j.TextOnlyImage, j.AudioConditionedImage });
        foreach (var secret in pairs.Select(p => p.ToString()).Concat(pairs.Select(p => p.ToString("N")))
                     .Concat(items.SelectMany(i => new[] { i.TargetImage, i.OtherImage, i.Audio, i.Id.ToString() }).OfType<string>())
                     .Concat(hashes.OfType<string>()).Append(studyId.ToString()))
            Assert.DoesNotContain(secret, json);
    }

    [Fact]
    public async Task A_participant_cannot_read_anothers_votes_or_the_condition_mapping()
    {
        await using var factory = await StartAsync();
        var (studyId, code) = await factory.OpenStudyAsync(await factory.PairsAsync(2), attentionChecks: 0);
        var participation = factory.Get<IStudyParticipation>();
        var first = (await participation.ConsentAsync(code, "participant-a")).Trial!;
        await participation.PlayAndVoteAsync(code, "participant-a", StudyChoice.Left);
        var own = (await participation.ConsentAsync(code, "participant-b")).Trial!;
        using var other = factory.BrowserClient();
        other.DefaultRequestHeaders.Add("X-Client-Id", factory.SignedId("participant-b"));

        foreach (var path in new[] { $"/admin/studies/{studyId}/votes.csv", $"/admin/studies/{studyId}", "/admin/studies" })
        {
            using var response = await other.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery);
        }

        foreach (var url in new[] { first.LeftImageUrl, first.RightImageUrl, first.AudioUrl })
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(url)).StatusCode);
        Assert.False(await participation.AudioPlayedAsync(code, "participant-b", first.TrialId));
        Assert.False((await participation.VoteAsync(code, "participant-b", first.TrialId, StudyChoice.Right)).Accepted);
        Assert.NotEqual(first.TrialId, own.TrialId);
        Assert.Equal(0, (await participation.OpenAsync(code, "participant-b")).Done);
        Assert.Equal([StudyChoice.Left], await factory.DbAsync(db => db.Trials.Where(t => t.Choice != null).Select(t => t.Choice!.Value).ToListAsync()));
    }

    public void Dispose() => _data.Dispose();
}
