using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Runs;

/// <summary>
/// Runs one taken training or evaluation run on the engine thread and records how it ended. A training run
/// that yields goes back into the queue behind the waiting generation jobs (the worker takes those first) and
/// continues from its last checkpoint when its turn comes again.
/// </summary>
public sealed class RunRunner(ITrainingBackend trainer, IEvaluationBackend evaluator, RunStore store, RunPaths paths, EngineThread engineThread, RunEventBus events,
    RunCancellations cancellations, GenerationDemand demand, IOptions<RunOptions> options, ILogger<RunRunner> logger)
{
    public async Task RunAsync(RunEntity run, CancellationToken stoppingToken)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        cancellations.Start(run.Id, cancellation);
        var exclusive = options.Value.Exclusive;
        var reporter = new RunReporter(run, store, paths, events, exclusive);
        reporter.Announce();
        logger.LogInformation("{Kind} run {RunId} started at step {Step}{Resume}", run.Kind, run.Id, run.Step,
            run.LastCheckpoint is null ? "" : $", resuming from {run.LastCheckpoint}");
        try
        {
            if (run.Kind == RunKind.Training)
                await TrainAsync(run, reporter, exclusive, cancellation.Token);
            else
                await EvaluateAsync(run, reporter, cancellation.Token);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await store.MoveAsync(run.Id, [RunState.Running], RunState.Queued, null, CancellationToken.None);
            logger.LogInformation("Run {RunId} interrupted by shutdown: queued again", run.Id);
        }
        catch (OperationCanceledException) when (cancellations.WasRequested(run.Id))
        {
            await EndAsync(run.Id, RunState.Cancelled, "Cancelled by an admin.");
        }
        catch (InputException exception)
        {
            await EndAsync(run.Id, RunState.Failed, exception.Message);
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Run {RunId} failed in the engine", run.Id);
            await EndAsync(run.Id, RunState.Failed, $"The engine failed on this run: {exception.Message}");
        }
        finally
        {
            cancellations.End(run.Id);
            events.SetCurrent(null);
        }
    }

    private async Task TrainAsync(RunEntity run, RunReporter reporter, bool exclusive, CancellationToken cancellationToken)
    {
        var settings = JsonSerializer.Deserialize<TrainingSettings>(run.SettingsJson, RunStore.Json)!;
        var work = new TrainingWork(run.Id, settings, paths.RunFolder(run.Id), run.LastCheckpoint, run.LastCheckpoint is null ? 0 : run.LastCheckpointStep);
        Directory.CreateDirectory(work.OutputFolder);
        Func<bool> shouldYield = exclusive ? () => false : demand.AnyWaiting;
        var outcome = await engineThread.RunAsync(() => trainer.Run(work, reporter, shouldYield, cancellationToken));
        if (outcome.End == TrainingRunEnd.Yielded)
        {
            await store.YieldedAsync(run.Id, outcome.Step, CancellationToken.None);
            events.Publish(new RunEvent(run.Id, RunState.Queued, outcome.Step));
            logger.LogInformation("Training run {RunId} yielded at step {Step} to waiting generation jobs", run.Id, outcome.Step);
            return;
        }

        await store.MoveAsync(run.Id, [RunState.Running], RunState.Completed, null, CancellationToken.None);
        events.Publish(new RunEvent(run.Id, RunState.Completed, outcome.Step));
        logger.LogInformation("Training run {RunId} completed at step {Step}", run.Id, outcome.Step);
    }

    private async Task EvaluateAsync(RunEntity run, RunReporter reporter, CancellationToken cancellationToken)
    {
        var settings = JsonSerializer.Deserialize<EvaluationRunSettings>(run.SettingsJson, RunStore.Json)!;
        var work = new EvaluationWork(run.Id, settings, paths.ReportFolder(run.Id));
        Directory.CreateDirectory(work.ReportFolder);
        var outcome = await engineThread.RunAsync(() => evaluator.Run(work, reporter, cancellationToken));
        await store.CompleteEvaluationAsync(run.Id, Path.GetFullPath(outcome.ReportFolder), outcome.Summary, CancellationToken.None);
        events.Publish(new RunEvent(run.Id, RunState.Completed, run.TotalSteps));
        logger.LogInformation("Evaluation run {RunId} completed: {Summary}", run.Id,
            string.Join(", ", outcome.Summary.Select(kv => $"{kv.Key} {kv.Value:G4}")));
    }

    private async Task EndAsync(Guid runId, RunState state, string error)
    {
        await store.MoveAsync(runId, [RunState.Running], state, error, CancellationToken.None);
        events.Publish(new RunEvent(runId, state, 0));
        logger.LogInformation("Run {RunId} ended {State}: {Error}", runId, state, error);
    }
}
