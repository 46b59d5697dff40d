using StackExchange.Redis;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// A worker's side of the work stream: it takes an entry another worker left idle past the lease first (that worker
/// is gone or stalled), else a new one; renews the entry it holds; acknowledges it when the front end has the result.
/// </summary>
public sealed class WorkerStream(IDatabase redis, string consumer, TimeSpan lease, string modelSet)
{
    private readonly string _key = WorkStream.Key(modelSet);

    /// <summary>The model set whose stream this reads.</summary>
    public string ModelSet => modelSet;

    /// <summary>The next entry for this worker, or null when there is none.</summary>
    public async Task<StreamEntry?> TakeAsync()
    {
        try
        {
            return await TakeOnceAsync();
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            // A fresh or restarted Redis: make the group and look again.
            await WorkStream.EnsureGroupAsync(redis, _key);
            return await TakeOnceAsync();
        }
    }

    private async Task<StreamEntry?> TakeOnceAsync()
    {
        var reclaimed = await redis.StreamAutoClaimAsync(_key, WorkStream.Group, consumer, (long)lease.TotalMilliseconds, "0-0", 1);
        foreach (var entry in reclaimed.ClaimedEntries)
            if (Read(entry) is { } old)
                return old;
        foreach (var entry in await redis.StreamReadGroupAsync(_key, WorkStream.Group, consumer, StreamPosition.NewMessages, 1))
            if (Read(entry) is { } fresh)
                return fresh;
        return null;
    }

    /// <summary>
    /// Renews the lease on <paramref name="entry"/> (XCLAIM JUSTID resets its idle time). Returns false when another
    /// worker holds it now: this worker lost the lease, and its attempt will be fenced off.
    /// </summary>
    public async Task<bool> RenewAsync(StreamEntry entry)
    {
        var pending = await redis.StreamPendingMessagesAsync(_key, WorkStream.Group, 1, RedisValue.Null, entry.Id, entry.Id);
        if (pending.Length == 0)
            return true; // Gone from Redis (it restarted): the front end knows from the heartbeats that this worker runs the job.
        if (pending[0].ConsumerName != consumer)
            return false;
        // Only an entry idle a sixth of the lease is re-claimed, so a renewal racing another worker's fresh claim cannot take it back.
        await redis.StreamClaimIdsOnlyAsync(_key, WorkStream.Group, consumer, (long)(lease.TotalMilliseconds / 6), [entry.Id]);
        return true;
    }

    public async Task AcknowledgeAsync(StreamEntry entry)
    {
        await redis.StreamAcknowledgeAsync(_key, WorkStream.Group, entry.Id);
        await redis.StreamDeleteAsync(_key, [entry.Id]);
    }

    public async Task<bool> SkipRequestedAsync(Guid job) => await redis.KeyExistsAsync(WorkStream.SkipKey(job));

    private StreamEntry? Read(StackExchange.Redis.StreamEntry entry)
    {
        if (entry.IsNull)
            return null;
        if (Guid.TryParseExact(entry[WorkStream.JobField].ToString(), "N", out var job) && long.TryParse(entry[WorkStream.DispatchField].ToString(), out var dispatch))
            return new StreamEntry(entry.Id.ToString(), job, dispatch);
        // Not ours to run: acknowledge it so nobody trips over it again.
        redis.StreamAcknowledge(_key, WorkStream.Group, entry.Id);
        return null;
    }
}
