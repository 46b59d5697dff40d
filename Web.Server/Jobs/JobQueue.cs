using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>
/// <see cref="IJobQueue"/> for this machine: validation, per-client limits and the rate limit at submission,
/// then a row in SQLite that the engine worker takes in order.
/// </summary>
public sealed class JobQueue(JobStore store, EngineState engine, IServiceProvider services, IDbContextFactory<StudioDbContext> contexts,
    ContentStore content, SubmissionLimits limits, QueueSignal signal, ProgressBoard board, RunningJobs running, JobEventBus events,
    IOptions<QueueOptions> options, ILogger<JobQueue> logger) : IJobQueue
{
    private readonly SemaphoreSlim _submissions = new(1, 1);

    public EngineStatus Status => engine.Status;

    public async Task<RunEstimate> EstimateAsync(GenerationSettings settings, JobKind kind, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IGenerationBackend>() is not { } backend || !engine.Status.Ready)
            return new RunEstimate(TimeSpan.Zero, TimeSpan.Zero, 0);
        var line = await store.WaitingLineAsync(cancellationToken);
        var wait = TimeSpan.Zero;
        foreach (var job in line)
        {
            var estimate = backend.Estimate(JobMapper.Settings(job), job.Kind);
            if (job.State == JobState.Running && board.Latest(job.Id) is { } progress)
                estimate -= TimeSpan.FromMilliseconds(progress.ElapsedMs);
            wait += estimate > TimeSpan.Zero ? estimate : TimeSpan.Zero;
        }

        return new RunEstimate(backend.Estimate(settings, kind), wait, line.Count);
    }

    public async Task<SubmitResult> SubmitAsync(string clientId, JobRequest request, CancellationToken cancellationToken = default)
    {
        if (engine.Status is not { Ready: true, Info: { } info })
            return SubmitResult.Refused(SubmitProblem.EngineUnavailable, engine.Status.Problem ?? "The engine is not ready.");
        var problems = info.Limits.Check(request.Settings, info.Schedulers, info.Loras).ToList();
        if (request.Kind == JobKind.Pair && !info.AudioConditioningAvailable)
            problems.Add("The active model has no audio adapters, so it can only make text-only images.");
        UploadEntity? upload = null;
        if (request.AudioUploadId is { } uploadId)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            upload = await db.Uploads.AsNoTracking().FirstOrDefaultAsync(u => u.Id == uploadId && u.OwnerId == clientId, cancellationToken);
            if (upload is null)
                problems.Add("The audio clip was not found among your uploads (unused uploads expire); upload it again.");
        }

        if (problems.Count > 0)
            return SubmitResult.Refused(SubmitProblem.Invalid, [.. problems]);
        if (await content.QuotaProblemAsync(0, cancellationToken) is { } full)
            return SubmitResult.Refused(SubmitProblem.StorageFull, full);

        await _submissions.WaitAsync(cancellationToken);
        JobEntity job;
        try
        {
            var active = await store.CountActiveAsync(clientId, cancellationToken);
            var most = options.Value.MaxActivePerClient;
            if (active >= most)
                return SubmitResult.Refused(SubmitProblem.TooManyQueued,
                    $"You already have {active} jobs waiting or running; at most {most} at once. Wait for one to finish or cancel one.");
            if (!limits.TryAcquire(clientId))
                return SubmitResult.Refused(SubmitProblem.RateLimited,
                    $"Too many submissions: at most {options.Value.SubmissionsPerWindow} per {Describe(options.Value.RateWindow)}. Try again shortly.");

            var settings = request.Settings with
            {
                Scheduler = info.Schedulers.First(s => string.Equals(s, request.Settings.Scheduler, StringComparison.OrdinalIgnoreCase)),
                Seed = request.Settings.Seed ?? Random.Shared.NextInt64(0, GenerationLimits.MaxSeed + 1),
            };
            job = new JobEntity
            {
                Id = Guid.NewGuid(),
                OwnerId = clientId,
                Kind = request.Kind,
                State = JobState.Queued,
                SettingsJson = JobMapper.Serialize(settings),
                Prompt = settings.Prompt,
                Seed = settings.Seed!.Value,
                UploadId = upload?.Id,
                CreatedAt = DateTime.UtcNow,
            };
            await store.AddAsync(job, cancellationToken);
        }
        finally
        {
            _submissions.Release();
        }

        logger.LogInformation("Job {JobId} queued by {ClientId}: {Kind}, {Steps} steps, {Width}x{Height}, seed {Seed}",
            job.Id, clientId, job.Kind, request.Settings.Steps, request.Settings.Width, request.Settings.Height, job.Seed);
        signal.Notify();
        var position = await store.PositionAsync(job, cancellationToken) ?? 0;
        events.Publish(new QueuePositionEvent(job.Id, position));
        var estimate = await EstimateAsync(JobMapper.Settings(job), job.Kind, cancellationToken);
        return new SubmitResult(job.Id, position, estimate with { Wait = estimate.Wait - estimate.Run, JobsAhead = estimate.JobsAhead - 1 },
            null, []);
    }

    public async Task<JobStatus?> GetAsync(Guid jobId, string clientId, CancellationToken cancellationToken = default)
    {
        var job = await store.FindAsync(jobId, cancellationToken);
        if (job is null)
            return null;
        var position = await store.PositionAsync(job, cancellationToken);
        return JobMapper.ToStatus(job, clientId, position, job.State == JobState.Running ? board.Latest(job.Id) : null);
    }

    public async Task<IReadOnlyList<JobStatus>> ListActiveAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var jobs = await store.ActiveOfAsync(clientId, cancellationToken);
        var result = new List<JobStatus>(jobs.Count);
        foreach (var job in jobs)
            result.Add(JobMapper.ToStatus(job, clientId, await store.PositionAsync(job, cancellationToken), board.Latest(job.Id)));
        return result;
    }

    public async Task<OwnerActionResult> CancelAsync(string clientId, Guid jobId, CancellationToken cancellationToken = default)
    {
        if (await OwnedAsync(clientId, jobId, cancellationToken) is var (result, _) && result != OwnerActionResult.Done)
            return result;
        if (!await store.CancelQueuedAsync(jobId, cancellationToken))
            return OwnerActionResult.NotApplicable;
        logger.LogInformation("Job {JobId} cancelled by its owner {ClientId}", jobId, clientId);
        events.Publish(new FailedEvent(jobId, "Cancelled by its owner."));
        await store.PublishPositionsAsync(cancellationToken);
        return OwnerActionResult.Done;
    }

    public async Task<OwnerActionResult> SkipAsync(string clientId, Guid jobId, CancellationToken cancellationToken = default)
    {
        var (result, job) = await OwnedAsync(clientId, jobId, cancellationToken);
        if (result != OwnerActionResult.Done)
            return result;
        if (job!.State != JobState.Running || !running.Skip(jobId))
            return OwnerActionResult.NotApplicable;
        logger.LogInformation("Job {JobId} skipped by its owner {ClientId}", jobId, clientId);
        return OwnerActionResult.Done;
    }

    private async Task<(OwnerActionResult, JobEntity?)> OwnedAsync(string clientId, Guid jobId, CancellationToken cancellationToken)
    {
        var job = await store.FindAsync(jobId, cancellationToken);
        if (job is null)
            return (OwnerActionResult.NotFound, null);
        return job.OwnerId == clientId ? (OwnerActionResult.Done, job) : (OwnerActionResult.NotOwner, job);
    }

    private static string Describe(TimeSpan window) =>
        window.TotalMinutes >= 1 && window.TotalMinutes % 1 == 0 ? $"{window.TotalMinutes:0} min" : $"{window.TotalSeconds:0} s";
}
