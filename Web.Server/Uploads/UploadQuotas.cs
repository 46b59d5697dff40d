using Clap2Diffusion.Server.Persistence;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Uploads;

/// <summary>
/// How many bytes of decoded audio one client, and one network address, may store in a day
/// (<c>Storage:UploadBytesPerClientPerDay</c>, <c>Storage:UploadBytesPerAddressPerDay</c>), so no client can fill the
/// content store's quota for everyone, under one id or many. The server counts what it stores, the decoded clip, not
/// what was sent. An upload reserves its bytes before it is stored and gives them back if storing fails, so parallel
/// uploads cannot overrun a budget together. The counts live in memory: a restart forgets them, which at worst lets
/// a client store one more day's budget.
/// </summary>
public sealed class UploadQuotas(IOptions<StorageOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private readonly Dictionary<string, Queue<(DateTimeOffset At, long Bytes)>> _spent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _sincePrune;

    /// <summary>
    /// Reserves <paramref name="bytes"/> against the client's and the address's budgets, or throws
    /// <see cref="UploadRejectedException"/> (429) naming the budget and when it frees up. A null address is exempt.
    /// </summary>
    public Reservation Reserve(string clientId, string? address, long bytes)
    {
        var storage = options.Value;
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            Prune(now);
            Check("client:" + clientId, storage.UploadBytesPerClientPerDay, "your uploads", bytes, now);
            if (address is not null)
                Check("address:" + address, storage.UploadBytesPerAddressPerDay, "uploads from your network address", bytes, now);
            var keys = address is null ? new[] { "client:" + clientId } : ["client:" + clientId, "address:" + address];
            foreach (var key in keys)
                Spent(key).Enqueue((now, bytes));
            return new Reservation(this, keys, now, bytes);
        }
    }

    private void Check(string key, long budget, string whose, long bytes, DateTimeOffset now)
    {
        var spent = Spent(key);
        while (spent.TryPeek(out var oldest) && now - oldest.At >= Day)
            spent.Dequeue();
        var used = spent.Sum(s => s.Bytes);
        if (used + bytes <= budget)
            return;
        var freeAt = spent.Count > 0 ? spent.Peek().At + Day : now;
        var hours = Math.Max(1, (int)Math.Ceiling((freeAt - now).TotalHours));
        throw new UploadRejectedException(
            $"Storing this clip ({bytes / 1e6:0.0#} MB decoded) would take {whose} past {budget / 1e6:0.#} MB in a day " +
            $"({used / 1e6:0.0#} MB stored so far). Try again in about {hours} h, or use a shorter clip.", StatusCodes.Status429TooManyRequests);
    }

    /// <summary>How many ids and addresses are remembered now.</summary>
    internal int Tracked
    {
        get
        {
            lock (_lock)
                return _spent.Count;
        }
    }

    // Ids and addresses that stored nothing for a day are forgotten, so months of visitors do not pile up here.
    private void Prune(DateTimeOffset now)
    {
        if (++_sincePrune < 1000)
            return;
        _sincePrune = 0;
        foreach (var (key, spent) in _spent.ToList())
            if (!spent.TryPeek(out _) || spent.All(s => now - s.At >= Day))
                _spent.Remove(key);
    }

    private Queue<(DateTimeOffset At, long Bytes)> Spent(string key)
    {
        if (!_spent.TryGetValue(key, out var spent))
            _spent[key] = spent = new Queue<(DateTimeOffset, long)>();
        return spent;
    }

    private void Release(IReadOnlyList<string> keys, DateTimeOffset at, long bytes)
    {
        lock (_lock)
            foreach (var key in keys)
                if (_spent.TryGetValue(key, out var spent))
                    _spent[key] = new Queue<(DateTimeOffset, long)>(RemoveOne(spent, (at, bytes)));
    }

    private static IEnumerable<(DateTimeOffset, long)> RemoveOne(IEnumerable<(DateTimeOffset, long)> items, (DateTimeOffset, long) item)
    {
        var removed = false;
        foreach (var entry in items)
        {
            if (!removed && entry == item)
            {
                removed = true;
                continue;
            }
            yield return entry;
        }
    }

    /// <summary>Bytes held against the budgets; <see cref="Dispose"/> gives them back unless <see cref="Keep"/> was called.</summary>
    public sealed class Reservation(UploadQuotas quotas, IReadOnlyList<string> keys, DateTimeOffset at, long bytes) : IDisposable
    {
        private bool _kept;

        /// <summary>The clip was stored: the bytes stay spent.</summary>
        public void Keep() => _kept = true;

        public void Dispose()
        {
            if (!_kept)
                quotas.Release(keys, at, bytes);
            _kept = true;
        }
    }
}
