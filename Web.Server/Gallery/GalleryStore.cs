using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Gallery;

/// <summary>
/// Finished generations: searching and paging them, rating pairs, and deleting one's own. Pairs used in a
/// study are left out and not shown by id either, not even to their owner (who may be a participant), so nobody
/// can look up a study's prompt here and learn which image had the audio; admins see them on the study's page.
/// </summary>
public sealed class GalleryStore(IDbContextFactory<StudioDbContext> contexts, ContentStore content, ILogger<GalleryStore> logger)
    : IGalleryStore
{
    public const int MaxPageSize = 200;

    public async Task<GalleryPage> QueryAsync(GalleryQuery query, string clientId, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var jobs = db.Jobs.AsNoTracking().Where(j => j.State == JobState.Completed && !db.StudyItems.Any(i => i.JobId == j.Id));
        foreach (var word in (query.Text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(8))
        {
            var pattern = $"%{EscapeLike(word)}%";
            jobs = jobs.Where(j => EF.Functions.Like(j.Prompt, pattern, "\\"));
        }

        if (query.Relation is { } relation)
            jobs = jobs.Where(j => j.Relation == relation);
        if (query.MineOnly)
            jobs = jobs.Where(j => j.OwnerId == clientId);
        if (query.PairsOnly)
            jobs = jobs.Where(j => j.Kind == JobKind.Pair);

        var total = await jobs.CountAsync(cancellationToken);
        jobs = query.Sort switch
        {
            GallerySort.Oldest => jobs.OrderBy(j => j.Number),
            GallerySort.BestRated => jobs
                .OrderByDescending(j => j.Ratings.Count(r => r.Verdict == AudioVerdict.Improved) - j.Ratings.Count(r => r.Verdict == AudioVerdict.Worse))
                .ThenByDescending(j => j.Number),
            _ => jobs.OrderByDescending(j => j.Number),
        };
        var page = await jobs.Include(j => j.Upload).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 0, MaxPageSize))
            .ToListAsync(cancellationToken);
        var summaries = await SummariesAsync(db, page.Select(j => j.Id).ToList(), clientId, cancellationToken);
        var items = page.Select(j => new GalleryItem(JobMapper.ToStatus(j, clientId, null, null), summaries.GetValueOrDefault(j.Id, RatingSummary.None)))
            .ToList();
        return new GalleryPage(items, total);
    }

    public async Task<GalleryItem?> GetAsync(Guid jobId, string clientId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().Include(j => j.Upload).FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null || await db.StudyItems.AnyAsync(i => i.JobId == jobId, cancellationToken))
            return null;
        var summaries = await SummariesAsync(db, [jobId], clientId, cancellationToken);
        return new GalleryItem(JobMapper.ToStatus(job, clientId, null, null), summaries.GetValueOrDefault(jobId, RatingSummary.None));
    }

    public Task<OwnerActionResult> DeleteAsync(string clientId, Guid jobId, CancellationToken cancellationToken = default) =>
        DeleteAsync(jobId, clientId, cancellationToken);

    /// <summary>Deletes a finished job; <paramref name="ownerId"/> null skips the owner check (retention).</summary>
    public async Task<OwnerActionResult> DeleteAsync(Guid jobId, string? ownerId, CancellationToken cancellationToken)
    {
        var hashes = new List<string>();
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var job = await db.Jobs.Include(j => j.Upload).FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
            if (job is null)
                return OwnerActionResult.NotFound;
            if (ownerId is not null && job.OwnerId != ownerId)
                return OwnerActionResult.NotOwner;
            if (job.State is JobState.Queued or JobState.Running)
                return OwnerActionResult.NotApplicable;

            hashes.AddRange(new[] { job.TextOnlyImage, job.AudioConditionedImage, job.InitImage }.OfType<string>());
            var upload = job.Upload;
            db.Jobs.Remove(job);
            if (upload is not null && !await db.Jobs.AnyAsync(j => j.UploadId == upload.Id && j.Id != jobId, cancellationToken))
            {
                db.Uploads.Remove(upload);
                hashes.Add(upload.ContentHash);
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        await content.DeleteUnreferencedAsync(hashes, cancellationToken);
        logger.LogInformation("Job {JobId} deleted{By}", jobId, ownerId is null ? " by retention" : $" by its owner {ownerId}");
        return OwnerActionResult.Done;
    }

    public async Task<RatingSummary?> RateAsync(string clientId, Guid jobId, RatingInput rating, CancellationToken cancellationToken = default)
    {
        if (rating.Problem is { } problem)
            throw new ArgumentException(problem, nameof(rating));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var isPair = await db.Jobs.AnyAsync(j => j.Id == jobId && j.State == JobState.Completed && j.Kind == JobKind.Pair, cancellationToken);
        if (!isPair)
            return null;
        var existing = await db.Ratings.FindAsync([jobId, clientId], cancellationToken);
        if (existing is null)
        {
            existing = new RatingEntity { JobId = jobId, RaterId = clientId };
            db.Ratings.Add(existing);
        }

        existing.Verdict = rating.Verdict;
        existing.PromptFidelity = rating.PromptFidelity;
        existing.SceneFit = rating.SceneFit;
        existing.RatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Job {JobId} rated {Verdict} by {ClientId}", jobId, rating.Verdict, clientId);
        return (await SummariesAsync(db, [jobId], clientId, cancellationToken))[jobId];
    }

    private static async Task<Dictionary<Guid, RatingSummary>> SummariesAsync(StudioDbContext db, List<Guid> jobIds, string clientId,
        CancellationToken cancellationToken)
    {
        var ratings = await db.Ratings.AsNoTracking().Where(r => jobIds.Contains(r.JobId)).ToListAsync(cancellationToken);
        return ratings.GroupBy(r => r.JobId).ToDictionary(g => g.Key, g =>
        {
            var mine = g.FirstOrDefault(r => r.RaterId == clientId);
            return new RatingSummary(
                g.Count(r => r.Verdict == AudioVerdict.Improved),
                g.Count(r => r.Verdict == AudioVerdict.NoDifference),
                g.Count(r => r.Verdict == AudioVerdict.Worse),
                Mean(g.Select(r => r.PromptFidelity)),
                Mean(g.Select(r => r.SceneFit)),
                mine is null ? null : new RatingInput(mine.Verdict, mine.PromptFidelity, mine.SceneFit));
        });
    }

    private static double? Mean(IEnumerable<int?> scores)
    {
        var given = scores.OfType<int>().ToList();
        return given.Count == 0 ? null : given.Average();
    }

    private static string EscapeLike(string word) => word.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
