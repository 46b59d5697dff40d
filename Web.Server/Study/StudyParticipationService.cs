using System.Security.Cryptography;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Study;

/// <summary>
/// A participant's way through a study. Everything is looked up by the study's link code and the caller's
/// anonymous client id, so a participant only ever reaches their own trials; what goes back to the page has
/// opaque media addresses and never the side of the audio-conditioned image. A newcomer is admitted by the
/// study's access mode (<see cref="StudyAdmission"/>), and a vote must come no sooner than the clip could be heard.
/// </summary>
public sealed class StudyParticipationService(IDbContextFactory<StudioDbContext> contexts, ILogger<StudyParticipationService> logger)
    : IStudyParticipation
{
    public static string MediaUrl(string token) => $"/study-media/{token}";

    private readonly SemaphoreSlim _joins = new(1, 1);

    public async Task<ParticipantView> OpenAsync(string joinCode, string clientId, StudyLink? link = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var study = await db.Studies.AsNoTracking().FirstOrDefaultAsync(s => s.JoinCode == joinCode, cancellationToken);
        if (study is null)
            return ParticipantView.NotFound;
        var participant = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.StudyId == study.Id && p.ClientId == clientId, cancellationToken);
        if (participant is null)
            return (await NewcomerAsync(db, study, clientId, link ?? StudyLink.None, cancellationToken)).View;
        return await ViewAsync(db, study, participant, cancellationToken);
    }

    public async Task<ParticipantView> ConsentAsync(string joinCode, string clientId, StudyLink? link = null, CancellationToken cancellationToken = default)
    {
        await _joins.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var study = await db.Studies.AsNoTracking().FirstOrDefaultAsync(s => s.JoinCode == joinCode, cancellationToken);
            if (study is null)
                return ParticipantView.NotFound;
            var participant = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.StudyId == study.Id && p.ClientId == clientId, cancellationToken);
            if (participant is not null)
                return await ViewAsync(db, study, participant, cancellationToken);
            var (newcomer, admission) = await NewcomerAsync(db, study, clientId, link ?? StudyLink.None, cancellationToken);
            if (newcomer.Stage != ParticipantStage.Consent)
                return newcomer;
            if (admission.Invitation is { } invitation && !await ClaimAsync(db, invitation, cancellationToken))
                return Refusal(study, ParticipantStage.Duplicate);

            participant = await JoinAsync(db, study, clientId, admission, cancellationToken);
            logger.LogInformation("Study {StudyId}: participant {ParticipantId} consented ({Access}), {Trials} trials drawn", study.Id, participant.Id,
                study.Access, participant.Trials.Count);
            return await ViewAsync(db, study, participant, cancellationToken);
        }
        finally
        {
            _joins.Release();
        }
    }

    public async Task<bool> AudioPlayedAsync(string joinCode, string clientId, Guid trialId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var own = await OwnTrials(db, joinCode, clientId).AnyAsync(t => t.Id == trialId, cancellationToken);
        if (!own)
            return false;
        var now = DateTime.UtcNow;
        await db.Trials.Where(t => t.Id == trialId && t.AudioPlayedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.AudioPlayedAt, now), cancellationToken);
        return true;
    }

    public async Task<VoteResult> VoteAsync(string joinCode, string clientId, Guid trialId, StudyChoice choice, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(choice))
            return await RefusedAsync(joinCode, clientId, "That is not one of the answers.", cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var trial = await OwnTrials(db, joinCode, clientId).AsNoTracking().FirstOrDefaultAsync(t => t.Id == trialId, cancellationToken);
        if (trial is null)
            return await RefusedAsync(joinCode, clientId, "This trial is not one of yours.", cancellationToken);
        if (trial.Choice is not null)
            return await RefusedAsync(joinCode, clientId, "You have already voted on this pair; each pair gets one vote.", cancellationToken);
        if (trial.AudioPlayedAt is null)
            return await RefusedAsync(joinCode, clientId, "Play the sound to its end before you vote.", cancellationToken);
        var study = await db.Studies.AsNoTracking().FirstAsync(s => s.JoinCode == joinCode, cancellationToken);
        if (study.State != StudyState.Open)
            return await RefusedAsync(joinCode, clientId, "The study is closed; no more votes are taken.", cancellationToken);

        var now = DateTime.UtcNow;
        var clipSeconds = await db.StudyItems.Where(i => i.Id == trial.ItemId).Select(i => i.AudioSeconds).FirstAsync(cancellationToken);
        var heardFor = (now - (trial.ShownAt ?? now)).TotalSeconds;
        if (heardFor < clipSeconds - study.ListeningToleranceSeconds)
        {
            await db.Trials.Where(t => t.Id == trialId)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.TooFastVotes, t => t.TooFastVotes + 1), cancellationToken);
            logger.LogInformation("Study {StudyId}: a vote {Seconds:0.00} s after the trial was shown refused (clip {Clip:0.00} s)", study.Id,
                heardFor, clipSeconds);
            return await RefusedAsync(joinCode, clientId,
                $"That answer came sooner than the sound is long ({clipSeconds:0.#} s), so it was not recorded. Listen to the whole sound, then answer.",
                cancellationToken);
        }

        var recorded = await db.Trials.Where(t => t.Id == trialId && t.Choice == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Choice, choice).SetProperty(t => t.VotedAt, now), cancellationToken);
        if (recorded == 0)
            return await RefusedAsync(joinCode, clientId, "You have already voted on this pair; each pair gets one vote.", cancellationToken);
        if (!await db.Trials.AnyAsync(t => t.ParticipantId == trial.ParticipantId && t.Choice == null, cancellationToken))
            await db.Participants.Where(p => p.Id == trial.ParticipantId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.FinishedAt, now), cancellationToken);
        return new VoteResult(true, null, await OpenAsync(joinCode, clientId, cancellationToken: cancellationToken));
    }

    private async Task<VoteResult> RefusedAsync(string joinCode, string clientId, string problem, CancellationToken cancellationToken) =>
        new(false, problem, await OpenAsync(joinCode, clientId, cancellationToken: cancellationToken));

    private static IQueryable<TrialEntity> OwnTrials(StudioDbContext db, string joinCode, string clientId) =>
        from trial in db.Trials
        join participant in db.Participants on trial.ParticipantId equals participant.Id
        join study in db.Studies on participant.StudyId equals study.Id
        where participant.ClientId == clientId && study.JoinCode == joinCode
        select trial;

    /// <summary>What a browser without a session sees: the study's state first, then its access mode's decision.</summary>
    private static async Task<(ParticipantView View, StudyAdmission.Decision Admission)> NewcomerAsync(StudioDbContext db, StudyEntity study,
        string clientId, StudyLink link, CancellationToken cancellationToken)
    {
        if (study.State != StudyState.Open)
            return (Refusal(study, ParticipantStage.NotOpen), StudyAdmission.Decision.Refuse(ParticipantStage.NotOpen));
        var ratings = await db.Trials.CountAsync(t => t.Choice != null && !t.Item!.IsAttentionCheck && t.Item.StudyId == study.Id, cancellationToken);
        if (ratings >= study.TargetRatings)
            return (Refusal(study, ParticipantStage.Full), StudyAdmission.Decision.Refuse(ParticipantStage.Full));
        var admission = await StudyAdmission.DecideAsync(db, study, clientId, link, cancellationToken);
        if (admission.Refusal is { } refusal)
            return (Refusal(study, refusal), admission);
        return (new ParticipantView(ParticipantStage.Consent, study.Name, study.Instructions, 0, await TrialsPerParticipantAsync(db, study, cancellationToken),
            null, Access: study.Access), admission);
    }

    private static ParticipantView Refusal(StudyEntity study, ParticipantStage stage) =>
        new(stage, study.Name, study.Instructions, 0, 0, null, Access: study.Access);

    /// <summary>Marks the invitation used; false when another request used it first.</summary>
    private static async Task<bool> ClaimAsync(StudioDbContext db, InvitationEntity invitation, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        return await db.Invitations.Where(i => i.Id == invitation.Id && i.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedAt, now), cancellationToken) == 1;
    }

    private static async Task<int> TrialsPerParticipantAsync(StudioDbContext db, StudyEntity study, CancellationToken cancellationToken)
    {
        var pairs = await db.StudyItems.CountAsync(i => i.StudyId == study.Id && i.State == StudyItemState.Ready && !i.IsAttentionCheck, cancellationToken);
        var checks = await db.StudyItems.CountAsync(i => i.StudyId == study.Id && i.State == StudyItemState.Ready && i.IsAttentionCheck, cancellationToken);
        return Math.Min(pairs, study.PairsPerParticipant ?? pairs) + checks;
    }

    /// <summary>
    /// Draws the participant's trials: the pairs with the fewest trials so far (ties broken at random, so ratings
    /// spread evenly when each person sees a subset), every attention check, all in a random order, and for each
    /// trial a fair coin for the side of the target image.
    /// </summary>
    private static async Task<ParticipantEntity> JoinAsync(StudioDbContext db, StudyEntity study, string clientId, StudyAdmission.Decision admission,
        CancellationToken cancellationToken)
    {
        var items = await db.StudyItems.AsNoTracking().Where(i => i.StudyId == study.Id && i.State == StudyItemState.Ready)
            .Select(i => new { i.Id, i.IsAttentionCheck, Shown = db.Trials.Count(t => t.ItemId == i.Id) })
            .ToListAsync(cancellationToken);
        var pairs = items.Where(i => !i.IsAttentionCheck).OrderBy(i => i.Shown).ThenBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue))
            .Take(study.PairsPerParticipant ?? int.MaxValue).Select(i => i.Id);
        var chosen = pairs.Concat(items.Where(i => i.IsAttentionCheck).Select(i => i.Id)).ToArray();
        RandomNumberGenerator.Shuffle(chosen.AsSpan());

        var participant = new ParticipantEntity
        {
            Id = Guid.NewGuid(),
            StudyId = study.Id,
            ClientId = clientId,
            PanelId = admission.PanelId,
            InvitationId = admission.Invitation?.Id,
            ConsentedAt = DateTime.UtcNow,
        };
        for (var order = 0; order < chosen.Length; order++)
        {
            participant.Trials.Add(new TrialEntity
            {
                Id = Guid.NewGuid(),
                ParticipantId = participant.Id,
                ItemId = chosen[order],
                Order = order + 1,
                TargetOnLeft = RandomNumberGenerator.GetInt32(2) == 1,
                LeftToken = StudyMedia.NewToken(),
                RightToken = StudyMedia.NewToken(),
                AudioToken = StudyMedia.NewToken(),
            });
        }

        db.Participants.Add(participant);
        await db.SaveChangesAsync(cancellationToken);
        return participant;
    }

    private static async Task<ParticipantView> ViewAsync(StudioDbContext db, StudyEntity study, ParticipantEntity participant, CancellationToken cancellationToken)
    {
        var total = await db.Trials.CountAsync(t => t.ParticipantId == participant.Id, cancellationToken);
        var done = await db.Trials.CountAsync(t => t.ParticipantId == participant.Id && t.Choice != null, cancellationToken);
        var next = await db.Trials.Include(t => t.Item).Where(t => t.ParticipantId == participant.Id && t.Choice == null)
            .OrderBy(t => t.Order).FirstOrDefaultAsync(cancellationToken);
        if (next is null)
            return new ParticipantView(ParticipantStage.Finished, study.Name, study.Instructions, done, total, null,
                study.CompletionCode is null && study.CompletionUrl is null ? null : new StudyCompletion(study.CompletionCode, study.CompletionUrl), study.Access);
        if (study.State != StudyState.Open)
            return new ParticipantView(ParticipantStage.NotOpen, study.Name, study.Instructions, done, total, null, Access: study.Access);
        if (next.ShownAt is null)
        {
            next.ShownAt = DateTime.UtcNow;
            await db.SaveChangesAsync(cancellationToken);
        }

        var trial = new TrialView(next.Id, done + 1, total, next.Item!.Prompt, MediaUrl(next.AudioToken), MediaUrl(next.LeftToken),
            MediaUrl(next.RightToken), next.AudioPlayedAt is not null);
        return new ParticipantView(ParticipantStage.Rating, study.Name, study.Instructions, done, total, trial, Access: study.Access);
    }
}
