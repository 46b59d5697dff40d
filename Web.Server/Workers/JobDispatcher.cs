using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Jobs;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// The job loop in the front end when jobs run on workers. The queue's order stays here: a job reaches its model set's
/// work stream only when a worker holding that set is idle for it (at most one unclaimed entry per idle worker of the
/// set), so cancelling a waiting job and the per-owner limits work as in-process, and a job for a set no worker holds
/// waits without holding up the others. It also watches the streams: a released or running job whose entry Redis no
/// longer holds (a Redis restart) and that no live worker runs is released again, so nothing is lost with Redis; a
/// release no worker of its set is left to claim (they left or switched sets) is taken back.
/// </summary>
public sealed class JobDispatcher(IOptions<EngineServiceOptions> options, EngineState state, WorkRedis redis, DispatchStore dispatch, JobStore jobs,
    WorkerRegistry registry, FleetModels models, QueueSignal signal, ILogger<JobDispatcher> logger) : BackgroundService
{
    // How far down the waiting line the dispatcher looks for a job of a set with an idle worker.
    private const int LookAhead = 500;

    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);

    private DateTime _nextCheck;
    private DateTime _quietUntil;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.UsesWorkers)
            return;
        await Task.Yield();
        while (!state.DatabaseReady)
            await Task.Delay(TimeSpan.FromMilliseconds(100), stoppingToken);
        await models.LoadStoredAsync(stoppingToken);
        await jobs.PublishPositionsAsync(stoppingToken);
        logger.LogInformation("Jobs run on engine workers (Engine:Mode {Mode}): lease {Lease} s", options.Value.Mode, options.Value.WorkerLeaseSeconds);
        var checkEvery = TimeSpan.FromSeconds(Math.Max(1, options.Value.WorkerLeaseSeconds / 3.0));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (DateTime.UtcNow >= _nextCheck)
                {
                    _groups.Clear();
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

    /// <summary>Writes the next jobs in turn to their sets' streams while a set has fewer unclaimed entries than idle workers.</summary>
    private async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        var room = registry.IdleBySet();
        if (room.Count == 0)
            return;
        foreach (var (set, released) in await dispatch.CountReleasedBySetAsync(cancellationToken))
            if (room.ContainsKey(set))
                room[set] -= released;
        if (room.Values.All(n => n <= 0))
            return;
        foreach (var job in await dispatch.NextToReleaseAsync(LookAhead, cancellationToken))
        {
            var set = job.ModelSet ?? models.Active;
            if (set is null || room.GetValueOrDefault(set) <= 0)
                continue;
            if (await ReleaseAsync(job, set, cancellationToken))
                room[set]--;
            if (room.Values.All(n => n <= 0))
                return;
        }
    }

    private async Task<bool> ReleaseAsync(Persistence.Entities.JobEntity job, string set, CancellationToken cancellationToken)
    {
        var number = job.Dispatch + 1;
        // Cancelled between the read and the write: nothing to release.
        if (!await dispatch.MarkReleasingAsync(job.Id, number, set, cancellationToken))
            return false;
        RedisValue entry;
        try
        {
            if (_groups.Add(set))
                await redis.EnsureGroupAsync(set);
            entry = await redis.Database.StreamAddAsync(WorkStream.Key(set),
                [new NameValueEntry(WorkStream.JobField, job.Id.ToString("N")), new NameValueEntry(WorkStream.DispatchField, number)]);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            _groups.Remove(set);
            await dispatch.UndoReleaseAsync(job.Id, number, CancellationToken.None);
            throw;
        }

        await dispatch.SetEntryAsync(job.Id, number, entry.ToString(), cancellationToken);
        return true;
    }

    /// <summary>
    /// Released or running jobs whose entry is gone from the stream, and that no live worker runs, are released again;
    /// a release that no live worker of its set is left to claim for a lease is taken back (and its entry deleted).
    /// </summary>
    private async Task ReleaseLostAsync(CancellationToken cancellationToken)
    {
        foreach (var job in await dispatch.InFlightAsync(cancellationToken))
        {
            if (registry.Runs(job.Id))
                continue;
            // Being released right now: its entry id is written a moment after the release.
            if (job.StreamEntry is null && job.ReleasedAt > DateTime.UtcNow.AddSeconds(-10))
                continue;
            var key = WorkStream.Key(job.DispatchSet ?? "");
            if (job.State == JobState.Queued && job.DispatchSet is { } set && registry.Serving(set) == 0
                && job.ReleasedAt < DateTime.UtcNow - options.Value.Lease)
            {
                if (await dispatch.TakeBackAsync(job.Id, job.Dispatch, cancellationToken))
                {
                    if (job.StreamEntry is { } stale)
                        await redis.Database.StreamDeleteAsync(key, [stale]);
                    logger.LogInformation("Job {JobId}: no live worker holds model set {Set} any more; its release was taken back", job.Id, set);
                }
                continue;
            }
            if (job.StreamEntry is { } entry && (await redis.Database.StreamRangeAsync(key, entry, entry, 1)).Length > 0)
                continue;
            if (await dispatch.ReleaseAgainAsync(job.Id, job.Dispatch, cancellationToken))
                logger.LogWarning("Job {JobId}: its stream entry is gone (Redis restarted?) and no worker runs it; released again", job.Id);
        }
    }
}
