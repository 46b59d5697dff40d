using System.Collections.Concurrent;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Runs;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// Training runs on engine workers, as the front end sees them: a worker's reports reach the run's charts, samples and
/// checkpoint record only while its attempt holds the run (the database fences them, as it fences jobs), and its
/// result ends the run or, when it was handed back, queues it to resume from the last checkpoint.
/// </summary>
public sealed class RemoteRunFlow(RunStore runs, RunPaths paths, RunEventBus events, IOptions<RunOptions> options, QueueSignal signal,
    ShardedEvaluations evaluations, ILogger<RemoteRunFlow> logger)
{
    private readonly ConcurrentDictionary<(Guid Run, int Attempt), RunReporter> _reporters = new();

    /// <summary>Whether the run a worker reports training is no longer its own (cancelled, ended, or given to another worker).</summary>
    public async Task<bool> LostAsync(LiveWorker worker, Guid? runId, CancellationToken cancellationToken)
    {
        if (runId is not { } id)
            return false;
        bool lost;
        if (worker.Evaluation?.RunId == id)
        {
            lost = await evaluations.LostAsync(worker, id, cancellationToken);
            if (lost)
                worker.Evaluation = null;
            return lost;
        }

        var run = await runs.FindAsync(id, cancellationToken);
        lost = run is null || run.State != RunState.Running || run.Worker != worker.Name
            || (worker.Training is { } order && order.RunId == id && order.Attempt != run.Attempts);
        // Its order is void: the worker is free for other work once it stops.
        if (lost && worker.Training?.RunId == id)
            worker.Training = null;
        return lost;
    }

    public async Task<ResultReceipt> ReportAsync(LiveWorker worker, Guid runId, WorkerRunReport report, CancellationToken cancellationToken)
    {
        if (report.Shard is not null)
            return await evaluations.ReportAsync(worker, runId, report, cancellationToken);
        var run = await runs.FindAsync(runId, cancellationToken);
        if (run is null || run.State != RunState.Running || run.Attempts != report.Attempt || run.Worker != worker.Name)
            return new ResultReceipt(false, $"attempt {report.Attempt} no longer holds the run");
        var reporter = _reporters.GetOrAdd((runId, report.Attempt), _ => new RunReporter(run, runs, paths, events, options.Value.Exclusive));
        if (report.Metric is { } metric)
            reporter.Write(metric with { Run = runId.ToString() });
        if (report is { SampleStep: { } sampleStep, SamplePng: { } png })
            reporter.Sample(sampleStep, png, report.SampleCaption);
        if (report is { CheckpointStep: { } checkpointStep, CheckpointFolder: { } folder })
        {
            // Another worker resumes from it: only a folder inside the run's own folder is taken.
            if (!FolderGuard.IsUnder(Path.GetFullPath(folder), paths.RunFolder(runId)))
                return new ResultReceipt(false, $"the checkpoint {folder} is not inside the run's folder");
            reporter.Checkpoint(checkpointStep, folder);
        }
        return new ResultReceipt(true, null);
    }

    public async Task<ResultReceipt> ResultAsync(LiveWorker worker, Guid runId, WorkerRunResult result)
    {
        if (result.Shard is not null)
            return await evaluations.ResultAsync(worker, runId, result, CancellationToken.None);
        var (state, error) = result.Outcome switch
        {
            RunOutcomes.Completed => (RunState.Completed, (string?)null),
            RunOutcomes.HandedBack => (RunState.Queued, $"Handed back by {worker.Name} at step {result.Step}; it resumes from its last checkpoint."),
            _ => (RunState.Failed, result.Error ?? $"The engine worker {worker.Name} failed on this run."),
        };
        var moved = await runs.MoveAttemptAsync(runId, result.Attempt, worker.Name, state, error, CancellationToken.None);
        if (worker.Training?.RunId == runId)
            worker.Training = null;
        _reporters.TryRemove((runId, result.Attempt), out _);
        if (!moved)
        {
            logger.LogWarning("Run {RunId}: a {Outcome} result of attempt {Attempt} from {Worker} was discarded", runId, result.Outcome, result.Attempt,
                worker.Name);
            return new ResultReceipt(false, $"attempt {result.Attempt} no longer holds the run");
        }

        events.Publish(new RunEvent(runId, state, result.Step));
        events.SetCurrent(null);
        logger.LogInformation("Training run {RunId} attempt {Attempt} on {Worker}: {State} at step {Step}{Error}", runId, result.Attempt, worker.Name,
            state, result.Step, error is null ? "" : $": {error}");
        signal.Notify();
        return new ResultReceipt(true, null);
    }
}
