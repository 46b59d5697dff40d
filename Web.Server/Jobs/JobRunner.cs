using System.Diagnostics;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>Runs one taken job on the engine thread and records how it ended.</summary>
public sealed class JobRunner(JobStore store, JobOutcomes outcomes, EngineThread engineThread, ContentStore content, ProgressBoard board,
    RunningJobs running, JobEventBus events, IOptions<QueueOptions> options, StepPreviews previews, ILogger<JobRunner> logger)
{
    public async Task RunAsync(IGenerationBackend backend, JobEntity job, CancellationToken stoppingToken)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var handle = running.Start(job.Id, cancellation);
        events.Publish(new QueuePositionEvent(job.Id, 0));
        await store.PublishPositionsAsync(stoppingToken);
        var waitedMs = (job.StartedAt!.Value - job.CreatedAt).TotalMilliseconds;
        logger.LogInformation("Job {JobId} started after waiting {WaitedMs:0} ms (attempt {Attempt})", job.Id, waitedMs, job.Attempts);

        var clock = Stopwatch.StartNew();
        var settings = JobMapper.Settings(job);
        var work = new GenerationWork(job.Id, job.Kind, settings,
            job.Upload is null ? null : content.PathOf(job.Upload.ContentHash, "wav"))
        {
            InitImagePath = settings.InitImage is { } initImage ? content.PathOf(initImage, "png") : null,
        };
        var throttle = new PreviewThrottle(options.Value.PreviewInterval);
        try
        {
            var outcome = await engineThread.RunAsync(() =>
                backend.Run(work, step => OnStep(job.Id, step, throttle), cancellation.Token));
            await outcomes.CompleteAsync(job.Id, job.Kind, job.Attempts, outcome, clock.Elapsed.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await store.RequeueAsync(job.Id, CancellationToken.None);
            logger.LogInformation("Job {JobId} interrupted by shutdown after {RunMs:0} ms: queued again", job.Id, clock.Elapsed.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (handle.SkipRequested)
        {
            await outcomes.EndAsync(job.Id, job.Attempts, JobState.Skipped, "Skipped by its owner.", clock.Elapsed.TotalMilliseconds);
        }
        catch (InputException exception)
        {
            await outcomes.EndAsync(job.Id, job.Attempts, JobState.Failed, exception.Message, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Job {JobId} failed in the engine", job.Id);
            await outcomes.EndAsync(job.Id, job.Attempts, JobState.Failed, $"The engine failed on this job: {exception.Message}",
                clock.Elapsed.TotalMilliseconds);
        }
        finally
        {
            running.End(job.Id);
            board.Clear(job.Id);
        }

        await store.PublishPositionsAsync(CancellationToken.None);
    }

    /// <summary>Called on the engine thread after every step: records progress and, when due, asks the engine for a preview.</summary>
    private void OnStep(Guid jobId, StepProgress step, PreviewThrottle throttle)
    {
        byte[]? preview = null;
        if (throttle.Due(step.Step == step.TotalSteps))
        {
            try
            {
                preview = previews.Png(step);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Job {JobId}: the preview of step {Step} failed", jobId, step.Step);
            }
        }

        events.Publish(board.Step(jobId, step.Step, step.TotalSteps, (int)Math.Round(step.Timestep), (long)step.Elapsed.TotalMilliseconds,
            step.Phase.Name(), preview));
    }
}
