using System.Security.Cryptography;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Study;

/// <summary>Creating, opening, closing and reading studies. The admin pages and endpoints call this behind the Admin policy.</summary>
public sealed class StudyAdminService(IDbContextFactory<StudioDbContext> contexts, StudyPreparer preparer, StudyMedia media, EngineState engine,
    QueueSignal signal, ILogger<StudyAdminService> logger) : IStudyAdmin
{
    public static string JoinUrl(string joinCode) => $"/study/{joinCode}";

    public static string InvitationUrl(string joinCode, string token) => $"{JoinUrl(joinCode)}?{StudyLink.InvitationParameter}={token}";

    /// <summary>How many links one request may make; an admin who needs more asks again.</summary>
    public const int MaxInvitationsPerRequest = 1000;

    public async Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var studies = await db.Studies.AsNoTracking().OrderByDescending(s => s.CreatedAt).ToListAsync(cancellationToken);
        var result = new List<StudySummary>(studies.Count);
        foreach (var study in studies)
            result.Add(await SummaryAsync(db, study, cancellationToken));
        return result;
    }

    public async Task<IReadOnlyList<StudyCandidate>> CandidatesAsync(string? text, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var jobs = db.Jobs.AsNoTracking().Where(j => j.State == JobState.Completed && j.Kind == JobKind.Pair && j.AudioConditionedImage != null
            && j.OwnerId != ExampleOwner.Id);
        if (!string.IsNullOrWhiteSpace(text))
            jobs = jobs.Where(j => EF.Functions.Like(j.Prompt, $"%{text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%", "\\"));
        var found = await jobs.OrderByDescending(j => j.Number).Take(200).ToListAsync(cancellationToken);
        return found.Select(j => new StudyCandidate(j.Id, j.Prompt, j.Seed, j.Relation, ContentStore.UrlOf(j.TextOnlyImage!, "png"),
            ContentStore.UrlOf(j.AudioConditionedImage!, "png"), Utc(j.CreatedAt))).ToList();
    }

    public async Task<StudyCreateResult> CreateAsync(string adminClientId, StudyDraft draft, CancellationToken cancellationToken = default)
    {
        var problems = draft.Problems().ToList();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var existing = draft.ExistingPairs.Distinct().ToList();
        var found = await db.Jobs.AsNoTracking()
            .Where(j => existing.Contains(j.Id) && j.State == JobState.Completed && j.Kind == JobKind.Pair)
            .Select(j => j.Id).ToListAsync(cancellationToken);
        if (found.Count != existing.Count)
            problems.Add($"{existing.Count - found.Count} of the chosen pairs are no longer finished pairs in the gallery.");

        var newJobs = new List<JobEntity>();
        if (draft.NewPairs.Count > 0)
            newJobs = await PlanGenerationsAsync(db, adminClientId, draft.NewPairs, problems, cancellationToken);
        if (problems.Count > 0)
            return new StudyCreateResult(null, problems);

        var study = new StudyEntity
        {
            Id = Guid.NewGuid(),
            JoinCode = NewJoinCode(),
            Name = draft.Name.Trim(),
            Instructions = draft.Instructions.Trim(),
            State = StudyState.Preparing,
            TargetRatings = draft.TargetRatings,
            AttentionChecks = draft.AttentionChecks,
            PairsPerParticipant = draft.PairsPerParticipant,
            Access = draft.Access,
            PanelIdParameter = draft.PanelIdParameter.Trim(),
            CompletionCode = string.IsNullOrWhiteSpace(draft.CompletionCode) ? null : draft.CompletionCode.Trim(),
            CompletionUrl = string.IsNullOrWhiteSpace(draft.CompletionUrl) ? null : draft.CompletionUrl.Trim(),
            ListeningToleranceSeconds = draft.ListeningToleranceSeconds,
            CreatedAt = DateTime.UtcNow,
        };
        foreach (var jobId in existing)
            study.Items.Add(new StudyItemEntity { Id = Guid.NewGuid(), StudyId = study.Id, JobId = jobId, State = StudyItemState.Pending, Prompt = "", FromGallery = true });
        foreach (var job in newJobs)
            study.Items.Add(new StudyItemEntity { Id = Guid.NewGuid(), StudyId = study.Id, JobId = job.Id, State = StudyItemState.Pending, Prompt = "" });
        db.Jobs.AddRange(newJobs);
        db.Studies.Add(study);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Study {StudyId} created: {Existing} gallery pairs, {New} pairs to generate", study.Id, existing.Count, newJobs.Count);
        if (newJobs.Count > 0)
            signal.Notify();
        await preparer.RefreshAsync(study.Id, cancellationToken);
        return new StudyCreateResult(study.Id, []);
    }

    /// <summary>
    /// Pair jobs for the prompts to generate, with the engine's default settings, owned by the admin who uploaded
    /// the clips. They go straight into the queue: a study's batch should not count against one person's limits.
    /// </summary>
    private async Task<List<JobEntity>> PlanGenerationsAsync(StudioDbContext db, string adminClientId, IReadOnlyList<NewStudyPair> pairs,
        List<string> problems, CancellationToken cancellationToken)
    {
        if (engine.Status is not { Ready: true, Info: { } info } || !info.AudioConditioningAvailable)
        {
            problems.Add("The engine cannot make audio-conditioned pairs right now, so new pairs cannot be generated; choose gallery pairs instead.");
            return [];
        }

        var uploadIds = pairs.Select(p => p.AudioUploadId).Distinct().ToList();
        var uploads = await db.Uploads.AsNoTracking().Where(u => uploadIds.Contains(u.Id) && u.OwnerId == adminClientId)
            .Select(u => u.Id).ToListAsync(cancellationToken);
        if (uploads.Count != uploadIds.Count)
            problems.Add("A clip of a pair to generate was not found among your uploads; upload it again.");

        var jobs = new List<JobEntity>();
        foreach (var pair in pairs)
        {
            var settings = info.Defaults with
            {
                Prompt = pair.Prompt.Trim(),
                Seed = pair.Seed ?? Random.Shared.NextInt64(0, GenerationLimits.MaxSeed + 1),
            };
            problems.AddRange(info.Limits.Check(settings, info.Schedulers).Select(p => $"\"{Shorten(pair.Prompt)}\": {p}"));
            jobs.Add(new JobEntity
            {
                Id = Guid.NewGuid(),
                OwnerId = adminClientId,
                Kind = JobKind.Pair,
                State = JobState.Queued,
                SettingsJson = JobMapper.Serialize(settings),
                Prompt = settings.Prompt,
                Seed = settings.Seed!.Value,
                UploadId = pair.AudioUploadId,
                CreatedAt = DateTime.UtcNow,
            });
        }

        return jobs;
    }

    public async Task<StudyDetail?> GetAsync(Guid studyId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var study = await db.Studies.AsNoTracking().Include(s => s.Items).FirstOrDefaultAsync(s => s.Id == studyId, cancellationToken);
        if (study is null)
            return null;
        var itemIds = study.Items.Select(i => i.Id).ToList();
        var votes = await db.Trials.Where(t => t.Choice != null && itemIds.Contains(t.ItemId))
            .GroupBy(t => t.ItemId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var items = study.Items.OrderBy(i => i.IsAttentionCheck).ThenBy(i => i.Prompt)
            .Select(i => new StudyItemInfo(i.Id, i.IsAttentionCheck, i.Prompt, i.Relation,
                i.State == StudyItemState.Failed ? $"failed: {i.Problem}" : i.State.ToString().ToLowerInvariant(), votes.GetValueOrDefault(i.Id), i.FromGallery))
            .ToList();
        return new StudyDetail(await SummaryAsync(db, study, cancellationToken), study.Instructions, study.PairsPerParticipant, items,
            await ConductAsync(db, study, cancellationToken), study.PanelIdParameter, study.CompletionCode, study.CompletionUrl,
            study.ListeningToleranceSeconds);
    }

    private static async Task<StudyConduct> ConductAsync(StudioDbContext db, StudyEntity study, CancellationToken cancellationToken) =>
        new(study.Access,
            await db.RefusedSessions.CountAsync(r => r.StudyId == study.Id, cancellationToken),
            await db.Trials.Where(t => t.Item!.StudyId == study.Id).SumAsync(t => t.TooFastVotes, cancellationToken),
            await db.StudyItems.CountAsync(i => i.StudyId == study.Id && i.FromGallery && !i.IsAttentionCheck && i.State == StudyItemState.Ready,
                cancellationToken));

    public async Task<IReadOnlyList<StudyInvitation>> CreateInvitationsAsync(Guid studyId, int count, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var study = await db.Studies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == studyId, cancellationToken);
        if (study is not { Access: StudyAccess.Invitations } || count is < 1 or > MaxInvitationsPerRequest)
            return [];
        var now = DateTime.UtcNow;
        var made = Enumerable.Range(0, count)
            .Select(_ => new InvitationEntity { Id = Guid.NewGuid(), StudyId = studyId, Token = StudyMedia.NewToken(), CreatedAt = now }).ToList();
        db.Invitations.AddRange(made);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Study {StudyId}: {Count} invitation links made", studyId, count);
        return made.Select(i => new StudyInvitation(InvitationUrl(study.JoinCode, i.Token), Utc(i.CreatedAt), null)).ToList();
    }

    public async Task<IReadOnlyList<StudyInvitation>> InvitationsAsync(Guid studyId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var joinCode = await db.Studies.Where(s => s.Id == studyId).Select(s => s.JoinCode).FirstOrDefaultAsync(cancellationToken);
        if (joinCode is null)
            return [];
        var invitations = await db.Invitations.AsNoTracking().Where(i => i.StudyId == studyId).OrderBy(i => i.CreatedAt).ThenBy(i => i.Token)
            .ToListAsync(cancellationToken);
        return invitations.Select(i => new StudyInvitation(InvitationUrl(joinCode, i.Token), Utc(i.CreatedAt), i.UsedAt is { } used ? Utc(used) : null))
            .ToList();
    }

    public async Task<bool> SetStateAsync(Guid studyId, StudyState state, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var allowedFrom = state switch
        {
            StudyState.Open => new[] { StudyState.Ready, StudyState.Closed },
            StudyState.Closed => [StudyState.Open, StudyState.Ready],
            _ => [],
        };
        var changed = await db.Studies.Where(s => s.Id == studyId && allowedFrom.Contains(s.State)
                && s.Items.Any(i => i.State == StudyItemState.Ready && !i.IsAttentionCheck))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, state), cancellationToken);
        if (changed == 1)
            logger.LogInformation("Study {StudyId} is now {State}", studyId, state);
        return changed == 1;
    }

    public async Task<bool> DeleteAsync(Guid studyId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var study = await db.Studies.FirstOrDefaultAsync(s => s.Id == studyId, cancellationToken);
        if (study is null)
            return false;
        db.Studies.Remove(study);
        await db.SaveChangesAsync(cancellationToken);
        media.DeleteStudy(studyId);
        logger.LogInformation("Study {StudyId} deleted with its votes and media", studyId);
        return true;
    }

    public async Task<StudyResults?> ResultsAsync(Guid studyId, bool excludeFailedAttention, CancellationToken cancellationToken = default)
    {
        var export = await ExportAsync(studyId, cancellationToken);
        return export is null ? null : StudyResultsCalculator.Compute(studyId, export.Value.Votes, excludeFailedAttention, export.Value.Conduct);
    }

    /// <summary>Every vote and how the votes were obtained; null when there is no such study.</summary>
    public async Task<(IReadOnlyList<StudyVoteRow> Votes, StudyConduct Conduct)?> ExportAsync(Guid studyId, CancellationToken cancellationToken)
    {
        var votes = await VotesAsync(studyId, cancellationToken);
        if (votes is null)
            return null;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var study = await db.Studies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == studyId, cancellationToken);
        return study is null ? null : (votes, await ConductAsync(db, study, cancellationToken));
    }

    /// <summary>Every vote of the study, condition included; null when there is no such study.</summary>
    public async Task<IReadOnlyList<StudyVoteRow>?> VotesAsync(Guid studyId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Studies.AnyAsync(s => s.Id == studyId, cancellationToken))
            return null;
        var rows = await db.Trials.AsNoTracking()
            .Where(t => t.Choice != null && t.VotedAt != null && t.Item!.StudyId == studyId)
            .Select(t => new
            {
                t.ParticipantId, t.Order, t.ItemId, t.Item!.IsAttentionCheck, t.Item.Relation, t.Item.Prompt, t.TargetOnLeft,
                t.Choice, t.ShownAt, t.AudioPlayedAt, t.VotedAt, t.Item.FromGallery, t.TooFastVotes,
            })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new StudyVoteRow(r.ParticipantId, r.Order, r.ItemId, r.IsAttentionCheck, r.Relation, r.Prompt, r.TargetOnLeft,
                r.Choice!.Value, r.ShownAt, r.AudioPlayedAt, r.VotedAt!.Value, r.FromGallery, r.TooFastVotes))
            .OrderBy(r => r.ParticipantId).ThenBy(r => r.Order).ToList();
    }

    private static async Task<StudySummary> SummaryAsync(StudioDbContext db, StudyEntity study, CancellationToken cancellationToken)
    {
        var items = await db.StudyItems.Where(i => i.StudyId == study.Id)
            .GroupBy(i => new { i.IsAttentionCheck, i.State }).Select(g => new { g.Key.IsAttentionCheck, g.Key.State, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var ratings = await db.Trials.CountAsync(t => t.Choice != null && !t.Item!.IsAttentionCheck && t.Item.StudyId == study.Id, cancellationToken);
        var participants = await db.Participants.CountAsync(p => p.StudyId == study.Id, cancellationToken);
        return new StudySummary(study.Id, study.Name, study.State,
            items.Where(i => !i.IsAttentionCheck && i.State == StudyItemState.Ready).Sum(i => i.Count),
            items.Where(i => i.State == StudyItemState.Pending).Sum(i => i.Count),
            items.Where(i => i.IsAttentionCheck).Sum(i => i.Count),
            study.TargetRatings, ratings, participants, JoinUrl(study.JoinCode), Utc(study.CreatedAt), study.Problem, study.Access);
    }

    // Lower-case letters and digits without look-alikes: easy to read aloud or type from a printed link.
    private static string NewJoinCode()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        return string.Create(12, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
