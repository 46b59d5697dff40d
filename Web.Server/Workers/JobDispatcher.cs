using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Jobs;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// Remote mode's job loop in the front end. The queue's order stays here: a job reaches the work stream only when a
/// worker is idle for it (at most one unclaimed entry per idle worker), so cancelling a waiting job and the per-owner
/// limits work as in-process. It also watches the stream: a released or running job whose entry Redis no longer holds
/// (a Redis restart) and that no live worker runs is released again, so nothing is lost with Redis.
/// </summary>
public sealed class JobDispatcher(IOptions<EngineServiceOptions> options, EngineState state, WorkRedis redis, DispatchStore dispatch, JobStore jobs,
    WorkerRegistry registry, RemoteEngineDescription description, QueueSignal signal, ILogger<JobDispatcher> logger) : BackgroundService
{
    private DateTime _nextCheck;
    private DateTime _quietUntil;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsRemote)
            return;
        await Task.Yield();
        while (!state.DatabaseReady)
            await Task.Delay(TimeSpan.FromMilliseconds(100), stoppingToken);
        await description.LoadStoredAsync(stoppingToken);
        await jobs.PublishPositionsAsync(stoppingToken);
        logger.LogInformation("Jobs run on engine workers (Engine:Mode remote): lease {Lease} s", options.Value.WorkerLeaseSeconds);
        var checkEvery = TimeSpan.FromSeconds(Math.Max(1, options.Value.WorkerLeaseSeconds / 3.0));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (DateTime.UtcNow >= _nextCheck)
                {
                    await redis.EnsureGroupAsync();
                    await ReleaseLostAsync(stoppingToken);
                    _nextCheck = DateTime.UtcNow + checkEvery;
                }

                await ReleaseAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                // Redis is down or restarting: jobs wait in the database; say so once in a while, not every tick.
                if (DateTime.UtcNow >= _quietUntil)
                {
                    logger.LogWarning("The workers' Redis is unreachable ({Message}); jobs wait in the database", exception.Message);
                    _quietUntil = DateTime.UtcNow.AddSeconds(30);
                }
                _nextCheck = DateTime.MinValue;
            }

            try
            {
                await signal.WaitAsync(TimeSpan.FromMilliseconds(250), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down.
            }
        }
    }

    /// <summary>Writes the next jobs in turn to the stream while there are fewer unclaimed entries than idle workers.</summary>
    private async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        var released = await dispatch.CountReleasedAsync(cancellationToken);
        var idle = registry.IdleCount();
        while (released < idle && await dispatch.NextToReleaseAsync(cancellationToken) is { } job)
        {
            var number = job.Dispatch + 1;
            // Cancelled between the read and the write: nothing to release.
            if (!await dispatch.MarkReleasingAsync(job.Id, number, cancellationToken))
                continue;
            RedisValue entry;
            try
            {
                entry = await redis.Database.StreamAddAsync(WorkStream.Key,
                    [new NameValueEntry(WorkStream.JobField, job.Id.ToString("N")), new NameValueEntry(WorkStream.DispatchField, number)]);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                await dispatch.UndoReleaseAsync(job.Id, number, CancellationToken.None);
                throw;
            }

            await dispatch.SetEntryAsync(job.Id, number, entry.ToString(), cancellationToken);
            released++;
        }
    }

    /// <summary>Released or running jobs whose entry is gone from the stream, and that no live worker runs, are released again.</summary>
    private async Task ReleaseLostAsync(CancellationToken cancellationToken)
    {
        foreach (var job in await dispatch.InFlightAsync(cancellationToken))
        {
            if (registry.Runs(job.Id))
                continue;
            // Being released right now: its entry id is written a moment after the release.
            if (job.StreamEntry is null && job.ReleasedAt > DateTime.UtcNow.AddSeconds(-10))
                continue;
            if (job.StreamEntry is { } entry && (await redis.Database.StreamRangeAsync(WorkStream.Key, entry, entry, 1)).Length > 0)
                continue;
            if (await dispatch.ReleaseAgainAsync(job.Id, job.Dispatch, cancellationToken))
                logger.LogWarning("Job {JobId}: its stream entry is gone (Redis restarted?) and no worker runs it; released again", job.Id);
        }
    }
}
