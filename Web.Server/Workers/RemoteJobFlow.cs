using System.Collections.Concurrent;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Models;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// What the front end does when a worker calls: a claimed job becomes an attempt, the attempt's progress reaches the
/// studio, and its result is recorded only while the attempt still holds the job (<see cref="JobOutcomes"/> fences).
/// A worker sees a job's inputs only while it holds the job.
/// </summary>
public sealed class RemoteJobFlow(WorkerRegistry registry, DispatchStore dispatch, JobStore jobs, JobOutcomes outcomes, ContentStore content,
    LoraLibrary loras, ProgressBoard board, JobEventBus events, QueueSignal signal, FleetModels models, RunTimeModel runTime,
    IOptions<QueueOptions> queue, ILogger<RemoteJobFlow> logger)
{
    // The attempt each running job is on, so a step's progress is checked without a database read.
    private readonly ConcurrentDictionary<Guid, (int Attempt, string Worker)> _attempts = new();

    public async Task ReadyAsync(LiveWorker worker, EngineDescription engine, long modelGeneration)
    {
        // The studio learns the set before the worker shows as idle: whoever sees it idle may submit at once.
        await models.AnnounceAsync(worker.Name, engine, modelGeneration);
        worker.Engine = engine;
        worker.ModelGeneration = modelGeneration;
        registry.Seen(worker.Name, worker.Session, WorkerStates.Idle, null, setJob: true);
        logger.LogInformation("Engine worker {Worker} ready: {Model} ({Device}, {Threads} threads), model set {Set}, model {ModelHash}, adapters {AdapterHash}",
            worker.Name, engine.ModelName, engine.Device, worker.Threads, engine.ModelSet, engine.ModelHash, engine.AdaptersHash ?? "none");
        signal.Notify();
    }

    /// <summary>A worker reports whether its last model order loaded; a new failure is logged once.</summary>
    public void ModelError(LiveWorker worker, string? error)
    {
        if (error is not null && error != worker.ModelError)
        {
            logger.LogWarning("Engine worker {Worker} keeps its model set: {Error}", worker.Name, error);
            worker.LastError = error;
        }
        worker.ModelError = error;
    }

    public async Task<JobTicket> ClaimAsync(LiveWorker worker, Guid jobId, JobClaim claim, CancellationToken cancellationToken)
    {
        var before = await jobs.FindAsync(jobId, cancellationToken);
        if (before is null)
            return JobTicket.Refused("there is no such job");
        if (before.State is not (JobState.Queued or JobState.Running) || before.Dispatch != claim.Dispatch)
            return JobTicket.Refused(before.Dispatch != claim.Dispatch ? "this entry is from an earlier release of the job" : $"the job is {before.State}");
        if (before.State == JobState.Running && before.Attempts >= queue.Value.MaxAttempts)
        {
            // Its workers were lost this many times while running it: it may be what brings them down.
            await outcomes.EndAsync(jobId, before.Attempts, JobState.Failed,
                $"Engine workers were lost {before.Attempts} times while running this job, so it was not tried again.", before.RunMs ?? 0);
            return JobTicket.Refused("the job was started too many times");
        }

        var job = await dispatch.StartAsync(jobId, claim.Dispatch, worker.Name, cancellationToken);
        if (job is null)
            return JobTicket.Refused("the job left the queue");
        _attempts[jobId] = (job.Attempts, worker.Name);
        registry.Seen(worker.Name, worker.Session, WorkerStates.Busy, jobId, setJob: true);
        if (before.State == JobState.Running)
            logger.LogWarning("Job {JobId}: {Previous} lost its lease; attempt {Attempt} runs on {Worker}", jobId, before.Worker, job.Attempts, worker.Name);
        else
            logger.LogInformation("Job {JobId} started on {Worker} after waiting {WaitedMs:0} ms (attempt {Attempt})", jobId, worker.Name,
                (job.StartedAt!.Value - job.CreatedAt).TotalMilliseconds, job.Attempts);
        events.Publish(new QueuePositionEvent(jobId, 0));
        await jobs.PublishPositionsAsync(cancellationToken);

        var settings = JobMapper.Settings(job);
        return new JobTicket(true, null, job.Attempts, settings, job.Kind == JobKind.Pair, job.Upload?.FileName, settings.InitImage is not null,
            (settings.Loras ?? []).Select(l => l.Name).Distinct().ToList());
    }

    /// <summary>
    /// Whether the job a worker reports running is still its own. It is not once another worker took it over or it has
    /// ended; a job still queued is (the worker's claim of it may be under way).
    /// </summary>
    public async Task<bool> HoldsAsync(LiveWorker worker, Guid jobId, CancellationToken cancellationToken) =>
        await jobs.FindAsync(jobId, cancellationToken) switch
        {
            null => false,
            { State: JobState.Queued } => true,
            { State: JobState.Running } job => job.Worker == worker.Name,
            _ => false,
        };

    /// <summary>The file of one of the job's inputs, for the worker that holds the job; null otherwise.</summary>
    public async Task<string?> InputPathAsync(LiveWorker worker, Guid jobId, string input, string? name, CancellationToken cancellationToken)
    {
        var job = await jobs.FindAsync(jobId, cancellationToken);
        if (job is not { State: JobState.Running } || job.Worker != worker.Name)
            return null;
        var settings = JobMapper.Settings(job);
        return input switch
        {
            "audio" => job.Upload is { } upload ? content.PathOf(upload.ContentHash, "wav") : null,
            "init-image" => settings.InitImage is { } image ? content.PathOf(image, "png") : null,
            "lora" when (settings.Loras ?? []).Any(l => l.Name == name) => loras.Resolve(name!),
            _ => null,
        };
    }

    /// <summary>A step of the attempt that holds the job reaches the studio; anything else is dropped.</summary>
    public async Task ProgressAsync(LiveWorker worker, Guid jobId, WorkerProgress progress, CancellationToken cancellationToken)
    {
        if (!_attempts.TryGetValue(jobId, out var current))
        {
            // This front end restarted while the worker ran the job: learn the attempt from the row once.
            if (await jobs.FindAsync(jobId, cancellationToken) is not { State: JobState.Running, Worker: { } holder } job)
                return;
            current = _attempts.GetOrAdd(jobId, (job.Attempts, holder));
        }

        if (current != (progress.Attempt, worker.Name))
            return;
        events.Publish(board.Step(jobId, progress.Step, progress.TotalSteps, progress.Timestep, progress.ElapsedMs, progress.Phase, progress.PreviewPng));
    }

    public async Task<ResultReceipt> ResultAsync(LiveWorker worker, Guid jobId, WorkerResult result)
    {
        var job = await jobs.FindAsync(jobId, CancellationToken.None);
        if (job is null)
            return new ResultReceipt(false, "there is no such job");
        if (job.State != JobState.Running || job.Attempts != result.Attempt || job.Worker != worker.Name)
        {
            logger.LogWarning("Job {JobId}: a {Outcome} result of attempt {Attempt} from {Worker} was discarded (the job is {State}, attempt {Current} on {Holder})",
                jobId, result.Outcome, result.Attempt, worker.Name, job.State, job.Attempts, job.Worker);
            return new ResultReceipt(false, $"attempt {result.Attempt} no longer holds the job");
        }

        var accepted = result.Outcome switch
        {
            WorkerOutcomes.Completed => await outcomes.CompleteAsync(jobId, job.Kind, result.Attempt, Outcome(result), result.RunMs),
            WorkerOutcomes.Skipped => await outcomes.EndAsync(jobId, result.Attempt, JobState.Skipped, "Skipped by its owner.", result.RunMs),
            _ => await outcomes.EndAsync(jobId, result.Attempt, JobState.Failed, result.Error ?? "The engine worker failed on this job.", result.RunMs),
        };
        if (accepted)
        {
            worker.Finished(result.RunMs, result.Outcome == WorkerOutcomes.Failed ? result.Error : null);
            Ended(worker, jobId);
            if (result.Outcome == WorkerOutcomes.Completed)
                runTime.Learn(JobMapper.Settings(job), job.Kind, result.Stages);
        }
        await jobs.PublishPositionsAsync(CancellationToken.None);
        return accepted ? new ResultReceipt(true, null) : new ResultReceipt(false, $"attempt {result.Attempt} no longer holds the job");
    }

    public async Task<bool> HandBackAsync(LiveWorker worker, Guid jobId, JobHandBack handBack, CancellationToken cancellationToken)
    {
        if (!await dispatch.HandBackAsync(jobId, handBack.Attempt, cancellationToken))
            return false;
        Ended(worker, jobId);
        logger.LogInformation("Job {JobId}: {Worker} stopped before finishing attempt {Attempt} and handed it back; queued again at its place",
            jobId, worker.Name, handBack.Attempt);
        await jobs.PublishPositionsAsync(cancellationToken);
        return true;
    }

    private void Ended(LiveWorker worker, Guid jobId)
    {
        _attempts.TryRemove(jobId, out _);
        board.Clear(jobId);
        registry.Seen(worker.Name, worker.Session, WorkerStates.Idle, null, setJob: true);
        signal.Notify();
    }

    private static GenerationOutcome Outcome(WorkerResult result) =>
        new(result.TextOnlyPng ?? [], result.AudioConditionedPng, result.Seed, result.Relation, result.Stages)
        {
            TextOnlyFlagged = result.TextOnlyFlagged,
            AudioConditionedFlagged = result.AudioConditionedFlagged,
        };
}
