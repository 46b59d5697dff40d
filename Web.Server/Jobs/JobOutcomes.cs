using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Serving;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>
/// Records how a job's attempt ended, wherever it ran (the in-process engine or a remote worker), and tells its
/// watchers. Every record is fenced by the attempt: only the job's current, running attempt may end it, so a job
/// completes exactly once however often its work was delivered.
/// </summary>
public sealed class JobOutcomes(JobStore store, JobEventBus events, ILogger<JobOutcomes> logger)
{
    /// <summary>Stores the images and marks the job completed; false when the attempt no longer holds the job.</summary>
    public async Task<bool> CompleteAsync(Guid jobId, JobKind kind, int attempt, GenerationOutcome outcome, double runMs)
    {
        Check(kind, outcome);
        if (!await store.CompleteAsync(jobId, outcome, runMs, attempt, CancellationToken.None))
        {
            logger.LogWarning("Job {JobId}: a result of attempt {Attempt} came after the job moved on, and was discarded", jobId, attempt);
            return false;
        }

        var finished = await store.FindAsync(jobId, CancellationToken.None);
        events.Publish(new CompletedEvent(jobId, JobMapper.Images(finished!)?.All ?? [], JobMapper.RelationName(outcome.Relation)));
        logger.LogInformation("Job {JobId} completed in {RunMs:0} ms on {Worker}: seed {Seed}, relation {Relation}, flagged {Flagged}, stages {Stages}",
            jobId, runMs, finished!.Worker, outcome.Seed, outcome.Relation?.ToString() ?? "none", outcome.TextOnlyFlagged || outcome.AudioConditionedFlagged,
            string.Join(", ", outcome.Stages.Select(s => $"{s.Name} {s.Milliseconds:0} ms")));
        return true;
    }

    /// <summary>Ends the job as skipped, failed or cancelled; false when the attempt no longer holds the job.</summary>
    public async Task<bool> EndAsync(Guid jobId, int attempt, JobState state, string error, double runMs)
    {
        if (!await store.FinishAsync(jobId, state, error, runMs, CancellationToken.None, attempt))
        {
            logger.LogWarning("Job {JobId}: attempt {Attempt} ended {State} after the job moved on; ignored", jobId, attempt, state);
            return false;
        }

        events.Publish(new FailedEvent(jobId, error));
        logger.LogInformation("Job {JobId} ended {State} after {RunMs:0} ms: {Error}", jobId, state, runMs, error);
        return true;
    }

    /// <summary>An engine that returns the wrong images for the job's kind is a bug there, not a result.</summary>
    private static void Check(JobKind kind, GenerationOutcome outcome)
    {
        if (outcome.TextOnlyPng.Length == 0)
            throw new InvalidOperationException("the engine returned no text-only image");
        if (kind == JobKind.Pair && (outcome.AudioConditionedPng is not { Length: > 0 } || outcome.Relation is null))
            throw new InvalidOperationException("the engine returned a pair without its audio-conditioned image or relation");
        if (kind == JobKind.TextOnly && outcome.AudioConditionedPng is not null)
            throw new InvalidOperationException("the engine returned an audio-conditioned image for a text-only job");
    }
}
