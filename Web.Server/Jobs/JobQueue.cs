using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Server.Workers;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>
/// <see cref="IJobQueue"/> for this machine: a request is checked, counted against its client's limits, and
/// stored as a row in SQLite that the engine worker takes owner by owner, in turn (<see cref="JobEntity.Round"/>).
/// </summary>
public sealed class JobQueue(JobStore store, EngineState engine, SubmissionCheck check, SubmissionLimits limits, JobEstimates estimates,
    JobOwnerActions owners, ProgressBoard board, QueueSignal signal, JobEventBus events, WorkerAvailability workers, ILogger<JobQueue> logger) : IJobQueue
{
    private readonly SemaphoreSlim _submissions = new(1, 1);

    public EngineStatus Status => engine.Status;

    public Task<RunEstimate> EstimateAsync(GenerationSettings settings, JobKind kind, CancellationToken cancellationToken = default) =>
        estimates.EstimateAsync(settings, kind, cancellationToken);

    public async Task<SubmitResult> SubmitAsync(string clientId, JobRequest request, CancellationToken cancellationToken = default)
    {
        var checkedRequest = await check.CheckAsync(clientId, request, cancellationToken);
        if (checkedRequest.Refusal is { } refusal)
            return refusal;
        var info = checkedRequest.Engine!;

        await _submissions.WaitAsync(cancellationToken);
        JobEntity job;
        try
        {
            if (await limits.RefusalAsync(clientId, cancellationToken) is { } limited)
                return limited;
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
                UploadId = checkedRequest.Upload?.Id,
                InitImage = settings.InitImage,
                ModelSet = request.ModelSet,
                CreatedAt = DateTime.UtcNow,
                Round = await store.RoundForNewJobAsync(clientId, cancellationToken),
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
        var estimate = await estimates.EstimateAsync(JobMapper.Settings(job), job.Kind, cancellationToken, job.ModelSet);
        return new SubmitResult(job.Id, position, estimate with { Wait = estimate.Wait - estimate.Run, JobsAhead = estimate.JobsAhead - 1 },
            null, []);
    }

    public async Task<JobStatus?> GetAsync(Guid jobId, string clientId, CancellationToken cancellationToken = default)
    {
        var job = await store.FindAsync(jobId, cancellationToken);
        if (job is null)
            return null;
        var position = await store.PositionAsync(job, cancellationToken);
        return JobMapper.ToStatus(job, clientId, position, job.State == JobState.Running ? board.Latest(job.Id) : null, workers.WaitingReason(job));
    }

    public async Task<IReadOnlyList<JobStatus>> ListActiveAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var jobs = await store.ActiveOfAsync(clientId, cancellationToken);
        var result = new List<JobStatus>(jobs.Count);
        foreach (var job in jobs)
            result.Add(JobMapper.ToStatus(job, clientId, await store.PositionAsync(job, cancellationToken), board.Latest(job.Id), workers.WaitingReason(job)));
        return result;
    }

    public Task<OwnerActionResult> CancelAsync(string clientId, Guid jobId, CancellationToken cancellationToken = default) =>
        owners.CancelAsync(clientId, jobId, cancellationToken);

    public Task<OwnerActionResult> SkipAsync(string clientId, Guid jobId, CancellationToken cancellationToken = default) =>
        owners.SkipAsync(clientId, jobId, cancellationToken);
}
