using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Server.Workers;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>What a job's owner may do to it once queued: cancel it while it waits, skip it while it runs.</summary>
public sealed class JobOwnerActions(JobStore store, RunningJobs running, RemoteSkips remoteSkips, JobEventBus events, ILogger<JobOwnerActions> logger)
{
    public async Task<OwnerActionResult> CancelAsync(string clientId, Guid jobId, CancellationToken cancellationToken)
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

    public async Task<OwnerActionResult> SkipAsync(string clientId, Guid jobId, CancellationToken cancellationToken)
    {
        var (result, job) = await OwnedAsync(clientId, jobId, cancellationToken);
        if (result != OwnerActionResult.Done)
            return result;
        if (job!.State != JobState.Running || !(running.Skip(jobId) || await remoteSkips.RequestAsync(jobId)))
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
}
