using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Models;
using Clap2Diffusion.Server.Runs;
using Clap2Diffusion.Server.Workers;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// The machine's one job loop: recovers work a stop interrupted, asks the backend to describe itself, then
/// takes queued generation jobs one at a time, oldest first, and runs each on the engine thread. When no
/// generation job waits it takes the oldest queued training or evaluation run. Between any two pieces of work
/// it applies a model switch, if one was asked for, and has the backend describe itself again.
/// </summary>
public sealed class EngineWorker(IGenerationBackend backend, EngineState state, EngineThread engineThread, JobStore store,
    JobRunner runner, RunStore runs, RunRunner runRunner, ModelSwitch modelSwitch, QueueSignal signal, IOptions<EngineServiceOptions> mode,
    ILogger<EngineWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Remote mode: the web process holds no engine; the dispatcher hands the jobs to workers.
        if (mode.Value.UsesWorkers)
            return;
        await Task.Yield();
        await store.RecoverAfterRestartAsync(stoppingToken);
        await runs.RecoverAfterRestartAsync(stoppingToken);
        await modelSwitch.LoadStoredAsync(stoppingToken);
        await modelSwitch.ApplyPendingAsync(engineThread);
        if (!await DescribeAsync())
            return;
        await store.PublishPositionsAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (await modelSwitch.ApplyPendingAsync(engineThread))
                await DescribeAsync();
            if (!state.Status.Ready)
            {
                // A switch left the engine unable to describe itself: wait for the admin to switch again.
                await WaitForWorkAsync(stoppingToken);
                continue;
            }

            var job = await store.TakeNextAsync(stoppingToken);
            if (job is null)
            {
                if (await runs.TakeNextAsync(stoppingToken) is { } run)
                    await runRunner.RunAsync(run, stoppingToken);
                else
                    await WaitForWorkAsync(stoppingToken);
                continue;
            }

            try
            {
                await runner.RunAsync(backend, job, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The runner handles the engine's failures; this is the server's own (the database, the disk).
                // Record it on the job if we can, and keep the queue going.
                logger.LogError(exception, "Job {JobId}: the server could not record its outcome", job.Id);
                await TryMarkFailedAsync(job.Id, exception);
            }
        }
    }

    private async Task TryMarkFailedAsync(Guid jobId, Exception exception)
    {
        try
        {
            await store.FinishAsync(jobId, Client.Contracts.JobState.Failed,
                $"The server could not record this job's result: {exception.Message}", 0, CancellationToken.None);
        }
        catch (Exception again)
        {
            logger.LogError(again, "Job {JobId} stays marked running until the next restart re-queues it", jobId);
        }
    }

    private async Task<bool> DescribeAsync()
    {
        try
        {
            var info = await engineThread.RunAsync(backend.Describe);
            state.MarkReady(info);
            logger.LogInformation("Engine ready: {Model} ({Device}), model {ModelHash}, adapters {AdapterHash}, audio {Audio}",
                info.ModelName, info.Device, info.ModelHash, info.AdapterHash ?? "none", info.AudioConditioningAvailable);
            if (!info.SafetyCheckerActive)
                logger.LogWarning("The safety checker is OFF: generated images are not filtered");
            return true;
        }
        catch (Exception exception)
        {
            state.MarkUnavailable($"The engine could not start: {exception.Message}");
            logger.LogError(exception, "The engine could not start");
            return false;
        }
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the loop condition ends the worker.
        }
    }
}
