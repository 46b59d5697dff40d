using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// The job rows as remote mode moves them: released to the work stream, started by a worker (an attempt), handed back
/// or lost. The database stays the system of record; Redis only carries the job ids.
/// </summary>
public sealed class DispatchStore(IDbContextFactory<StudioDbContext> contexts)
{
    /// <summary>
    /// The first <paramref name="count"/> queued jobs not yet released, in the queue's turn order (visitors before
    /// examples, rounds, arrival). The dispatcher releases from them the first of each set that has an idle worker.
    /// </summary>
    public async Task<List<JobEntity>> NextToReleaseAsync(int count, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await JobStore.InTurn(db.Jobs.AsNoTracking().Where(j => j.State == JobState.Queued && j.ReleasedAt == null))
            .Take(count).ToListAsync(cancellationToken);
    }

    /// <summary>Released jobs no worker has started yet, by the model set they were released to.</summary>
    public async Task<Dictionary<string, int>> CountReleasedBySetAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.Where(j => j.State == JobState.Queued && j.ReleasedAt != null && j.DispatchSet != null)
            .GroupBy(j => j.DispatchSet!).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, cancellationToken);
    }

    /// <summary>
    /// Records release <paramref name="dispatch"/> of the job before its entry is written, so a worker that reads the
    /// entry at once finds the release already there. False when the job left the queue meanwhile.
    /// </summary>
    public async Task<bool> MarkReleasingAsync(Guid jobId, long dispatch, string modelSet, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = DateTime.UtcNow;
        return await db.Jobs.Where(j => j.Id == jobId && j.State == JobState.Queued && j.ReleasedAt == null && j.Dispatch == dispatch - 1)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Dispatch, dispatch).SetProperty(j => j.ReleasedAt, now)
                .SetProperty(j => j.DispatchSet, modelSet).SetProperty(j => j.StreamEntry, (string?)null), cancellationToken) == 1;
    }

    /// <summary>Notes the stream entry of release <paramref name="dispatch"/>, once Redis has written it.</summary>
    public async Task SetEntryAsync(Guid jobId, long dispatch, string entry, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Jobs.Where(j => j.Id == jobId && j.Dispatch == dispatch)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.StreamEntry, entry), cancellationToken);
    }

    /// <summary>Takes back a release whose entry could not be written (Redis is down): the job waits its turn again.</summary>
    public async Task UndoReleaseAsync(Guid jobId, long dispatch, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Jobs.Where(j => j.Id == jobId && j.Dispatch == dispatch && j.State == JobState.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.ReleasedAt, (DateTime?)null), cancellationToken);
    }

    /// <summary>
    /// Takes back release <paramref name="dispatch"/> of a job no worker has claimed (no live worker holds its set any
    /// more): it waits its turn again, and its next release writes a new number, so the old entry can never start it.
    /// </summary>
    public async Task<bool> TakeBackAsync(Guid jobId, long dispatch, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.Where(j => j.Id == jobId && j.Dispatch == dispatch && j.State == JobState.Queued && j.ReleasedAt != null)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.ReleasedAt, (DateTime?)null).SetProperty(j => j.StreamEntry, (string?)null), cancellationToken) == 1;
    }

    /// <summary>The released and the running jobs, which the stream should still hold.</summary>
    public async Task<List<JobEntity>> InFlightAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking()
            .Where(j => (j.State == JobState.Queued && j.ReleasedAt != null) || j.State == JobState.Running)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// A worker claims release <paramref name="dispatch"/> of a job: it becomes the next attempt, whether the job waited
    /// for its first start or its last worker lost the lease. Null when the job is no longer to run by this release.
    /// </summary>
    public async Task<JobEntity?> StartAsync(Guid jobId, long dispatch, string worker, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = DateTime.UtcNow;
        var started = await db.Jobs
            .Where(j => j.Id == jobId && j.Dispatch == dispatch && ((j.State == JobState.Queued && j.ReleasedAt != null) || j.State == JobState.Running))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Running).SetProperty(j => j.StartedAt, now)
                .SetProperty(j => j.Attempts, j => j.Attempts + 1).SetProperty(j => j.Worker, worker), cancellationToken);
        return started == 1 ? await db.Jobs.AsNoTracking().Include(j => j.Upload).FirstAsync(j => j.Id == jobId, cancellationToken) : null;
    }

    /// <summary>
    /// A draining worker gives the job back: queued again at its place for a new release, its start not counted.
    /// False when the attempt no longer holds the job.
    /// </summary>
    public async Task<bool> HandBackAsync(Guid jobId, int attempt, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.Where(j => j.Id == jobId && j.State == JobState.Running && j.Attempts == attempt)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Queued).SetProperty(j => j.Attempts, j => j.Attempts - 1)
                .SetProperty(j => j.StartedAt, (DateTime?)null).SetProperty(j => j.ReleasedAt, (DateTime?)null)
                .SetProperty(j => j.StreamEntry, (string?)null), cancellationToken) == 1;
    }

    /// <summary>
    /// A job whose stream entry is gone (Redis lost it) and that no live worker runs goes back to the queue for a new
    /// release. A start it already had stays counted; a release that never started costs nothing.
    /// </summary>
    public async Task<bool> ReleaseAgainAsync(Guid jobId, long dispatch, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.Where(j => j.Id == jobId && j.Dispatch == dispatch && (j.State == JobState.Queued || j.State == JobState.Running))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Queued).SetProperty(j => j.StartedAt, (DateTime?)null)
                .SetProperty(j => j.ReleasedAt, (DateTime?)null).SetProperty(j => j.StreamEntry, (string?)null), cancellationToken) == 1;
    }
}
