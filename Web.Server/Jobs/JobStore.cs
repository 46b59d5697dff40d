using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>The queue's rows: every state change of a job is one short transaction here.</summary>
public sealed class JobStore(IDbContextFactory<StudioDbContext> contexts, ContentStore content, JobEventBus events,
    IOptions<QueueOptions> options, ILogger<JobStore> logger)
{
    public async Task AddAsync(JobEntity job, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Jobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<JobEntity?> FindAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking().Include(j => j.Upload).FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
    }

    public async Task<List<JobEntity>> ActiveOfAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking().Include(j => j.Upload)
            .Where(j => j.OwnerId == ownerId && (j.State == JobState.Queued || j.State == JobState.Running))
            .OrderBy(j => j.Number).ToListAsync(cancellationToken);
    }

    public async Task<int> CountActiveAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.CountAsync(j => j.OwnerId == ownerId && (j.State == JobState.Queued || j.State == JobState.Running),
            cancellationToken);
    }

    /// <summary>The queued jobs in the order they will run, with the running job (if any) first.</summary>
    public async Task<List<JobEntity>> WaitingLineAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking()
            .Where(j => j.State == JobState.Queued || j.State == JobState.Running)
            .OrderBy(j => j.State == JobState.Running ? 0 : 1).ThenBy(j => j.OwnerId == ExampleOwner.Id ? 1 : 0)
            .ThenBy(j => j.Round).ThenBy(j => j.Number)
            .ToListAsync(cancellationToken);
    }

    /// <summary>1 for the next job to run; 0 while running; null once finished.</summary>
    public async Task<int?> PositionAsync(JobEntity job, CancellationToken cancellationToken)
    {
        if (job.State == JobState.Running)
            return 0;
        if (job.State != JobState.Queued)
            return null;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var queued = db.Jobs.Where(j => j.State == JobState.Queued);
        var (round, number) = (job.Round, job.Number);
        var ahead = ExampleOwner.Owns(job.OwnerId)
            ? queued.Where(j => j.OwnerId != ExampleOwner.Id || j.Round < round || (j.Round == round && j.Number < number))
            : queued.Where(j => j.OwnerId != ExampleOwner.Id && (j.Round < round || (j.Round == round && j.Number < number)));
        return 1 + await ahead.CountAsync(cancellationToken);
    }

    public async Task PublishPositionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var queued = await InTurn(db.Jobs.Where(j => j.State == JobState.Queued))
            .Select(j => j.Id)
            .ToListAsync(cancellationToken);
        for (var i = 0; i < queued.Count; i++)
            events.Publish(new QueuePositionEvent(queued[i], i + 1));
    }

    /// <summary>
    /// The round a new job of <paramref name="ownerId"/> runs in: the round after the owner's last waiting or running
    /// job, but never before the round the queue is serving now, so an owner with nothing waiting joins the current
    /// round and does not wait out another owner's backlog. Call under the queue's submission lock.
    /// </summary>
    public async Task<long> RoundForNewJobAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var active = db.Jobs.Where(j => j.State == JobState.Queued || j.State == JobState.Running);
        var current = await active.MinAsync(j => (long?)j.Round, cancellationToken) ?? 0;
        var ownersLast = await active.Where(j => j.OwnerId == ownerId).MaxAsync(j => (long?)j.Round, cancellationToken);
        return ownersLast is { } last ? Math.Max(current, last + 1) : current;
    }

    public async Task<int> CountQueuedVisitorJobsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.CountAsync(j => j.State == JobState.Queued && j.OwnerId != ExampleOwner.Id, cancellationToken);
    }

    /// <summary>An owner's queued jobs, in the order they would run.</summary>
    public async Task<List<JobEntity>> QueuedOfAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await InTurn(db.Jobs.AsNoTracking().Include(j => j.Upload).Where(j => j.OwnerId == ownerId && j.State == JobState.Queued))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Cancels every queued job of an owner (an admin's purge); returns how many.</summary>
    public async Task<int> PurgeQueuedAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = DateTime.UtcNow;
        return await db.Jobs.Where(j => j.OwnerId == ownerId && j.State == JobState.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Cancelled).SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.Error, "Removed from the queue by an admin."), cancellationToken);
    }

    /// <summary>
    /// In-process mode: marks the next queued job as running on <see cref="InProcessWorker"/> and returns it (visitors'
    /// jobs before examples, owners in turn); null when the queue is empty.
    /// </summary>
    public async Task<JobEntity?> TakeNextAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        while (true)
        {
            var next = await db.Jobs.AsNoTracking().Include(j => j.Upload)
                .Where(j => j.State == JobState.Queued).OrderBy(j => j.OwnerId == ExampleOwner.Id ? 1 : 0).ThenBy(j => j.Round).ThenBy(j => j.Number)
                .FirstOrDefaultAsync(cancellationToken);
            if (next is null)
                return null;
            var now = DateTime.UtcNow;
            var taken = await db.Jobs.Where(j => j.Id == next.Id && j.State == JobState.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Running).SetProperty(j => j.StartedAt, now)
                    .SetProperty(j => j.Attempts, j => j.Attempts + 1).SetProperty(j => j.Worker, InProcessWorker), cancellationToken);
            if (taken == 1)
            {
                next.State = JobState.Running;
                next.StartedAt = now;
                next.Worker = InProcessWorker;
                next.Attempts++;
                return next;
            }
        }
    }

    /// <summary>The worker name of the engine inside the web process.</summary>
    public const string InProcessWorker = "inprocess";

    /// <summary>Visitors' jobs before the examples; then round by round; within a round, first come first served.</summary>
    internal static IOrderedQueryable<JobEntity> InTurn(IQueryable<JobEntity> queued) =>
        queued.OrderBy(j => j.OwnerId == ExampleOwner.Id ? 1 : 0).ThenBy(j => j.Round).ThenBy(j => j.Number);

    /// <summary>Withdraws a job that has not started; false when it already has (or never was queued).</summary>
    public async Task<bool> CancelQueuedAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = DateTime.UtcNow;
        return await db.Jobs.Where(j => j.Id == jobId && j.State == JobState.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Cancelled).SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.Error, "Cancelled by its owner."), cancellationToken) == 1;
    }

    /// <summary>
    /// Ends a running job without images. With <paramref name="attempt"/>, only while that attempt is the job's current
    /// one (fencing: a worker that lost the job cannot end it); false when nothing changed.
    /// </summary>
    public async Task<bool> FinishAsync(Guid jobId, JobState state, string? error, double runMs, CancellationToken cancellationToken,
        int? attempt = null)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = DateTime.UtcNow;
        return await Fenced(db.Jobs.Where(j => j.Id == jobId), attempt)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, state).SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.Error, error).SetProperty(j => j.RunMs, runMs), cancellationToken) == 1;
    }

    /// <summary>The job while <paramref name="attempt"/> is its current, running attempt; the job as it is without one.</summary>
    private static IQueryable<JobEntity> Fenced(IQueryable<JobEntity> job, int? attempt) =>
        attempt is { } current ? job.Where(j => j.State == JobState.Running && j.Attempts == current) : job;

    /// <summary>Puts a job the server stopped in the middle of back at its place in the queue.</summary>
    public async Task RequeueAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Jobs.Where(j => j.Id == jobId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Queued).SetProperty(j => j.StartedAt, (DateTime?)null),
                cancellationToken);
    }

    /// <summary>
    /// Stores a finished job's images and marks it completed, only while <paramref name="attempt"/> is the job's
    /// current, running attempt (fencing: a late result of an attempt that lost the job is discarded; false then).
    /// Each image is stored and referenced under the content store's gate, so a concurrent deletion of an identical
    /// image cannot take this job's file; an image of a discarded result is left unreferenced for the sweeper.
    /// </summary>
    public async Task<bool> CompleteAsync(Guid jobId, GenerationOutcome outcome, double runMs, int attempt, CancellationToken cancellationToken)
    {
        var fenced = 1;
        var (textOnlyPng, audioPng, relation, stages) = (outcome.TextOnlyPng, outcome.AudioConditionedPng, outcome.Relation, outcome.Stages);
        await content.PutAsync(textOnlyPng, "png", async hash =>
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            fenced = await Fenced(db.Jobs.Where(j => j.Id == jobId), attempt)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.TextOnlyImage, hash), cancellationToken);
        }, cancellationToken);
        if (fenced == 0)
            return false;
        if (audioPng is not null)
        {
            await content.PutAsync(audioPng, "png", async hash =>
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                await Fenced(db.Jobs.Where(j => j.Id == jobId), attempt)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.AudioConditionedImage, hash), cancellationToken);
            }, cancellationToken);
        }

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var now = DateTime.UtcNow;
            var stagesJson = JsonSerializer.Serialize(stages, JobMapper.Json);
            return await Fenced(db.Jobs.Where(j => j.Id == jobId), attempt)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Completed).SetProperty(j => j.FinishedAt, now)
                    .SetProperty(j => j.Relation, relation).SetProperty(j => j.RunMs, runMs)
                    .SetProperty(j => j.StagesJson, stagesJson).SetProperty(j => j.TextOnlyFlagged, outcome.TextOnlyFlagged)
                    .SetProperty(j => j.AudioConditionedFlagged, outcome.AudioConditionedFlagged), cancellationToken) == 1;
        }
    }

    /// <summary>
    /// After a restart: a job that was running when the server stopped goes back to its place in the queue,
    /// unless it has already been started <see cref="QueueOptions.MaxAttempts"/> times, in which case it is
    /// marked failed (it may be the job that brought the server down).
    /// </summary>
    public async Task RecoverAfterRestartAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var interrupted = await db.Jobs.Where(j => j.State == JobState.Running).ToListAsync(cancellationToken);
        foreach (var job in interrupted)
        {
            if (job.Attempts >= options.Value.MaxAttempts)
            {
                job.State = JobState.Failed;
                job.FinishedAt = DateTime.UtcNow;
                job.Error = $"The server stopped {job.Attempts} times while running this job, so it was not tried again.";
                logger.LogWarning("Job {JobId} was running when the server stopped, for the {Attempts}th time: marked failed",
                    job.Id, job.Attempts);
            }
            else
            {
                job.State = JobState.Queued;
                job.StartedAt = null;
                logger.LogWarning("Job {JobId} was running when the server stopped: queued again at its place", job.Id);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
