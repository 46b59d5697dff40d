using System.Collections.Concurrent;
using System.Security.Cryptography;
using Clap2Diffusion.Engine.Serving;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// The engine workers this front end has heard from, in memory: a worker is live while its last call is younger
/// than the lease. A worker that finds itself forgotten (the front end restarted) says hello again.
/// </summary>
public sealed class WorkerRegistry(IOptions<EngineServiceOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, LiveWorker> _workers = new(StringComparer.Ordinal);

    private TimeSpan Lease => options.Value.Lease;

    /// <summary>Registers a worker; null when a live worker already has the name.</summary>
    public LiveWorker? Hello(WorkerHello hello)
    {
        var now = clock.GetUtcNow();
        var worker = new LiveWorker(hello.Name, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), hello.Version, hello.Device, hello.Threads, now);
        while (true)
        {
            if (_workers.TryGetValue(hello.Name, out var existing))
            {
                if (IsLive(existing, now))
                    return null;
                if (!_workers.TryUpdate(hello.Name, worker, existing))
                    continue;
            }
            else if (!_workers.TryAdd(hello.Name, worker))
                continue;
            return worker;
        }
    }

    /// <summary>The worker with this name and session; null when unknown (never said hello, or replaced).</summary>
    public LiveWorker? Find(string name, string session) =>
        _workers.TryGetValue(name, out var worker) && worker.Session == session ? worker : null;

    /// <summary>Records a call of the worker: it is live, in <paramref name="state"/>, on <paramref name="job"/>.</summary>
    public LiveWorker? Seen(string name, string session, string? state = null, Guid? job = null, bool setJob = false)
    {
        if (Find(name, session) is not { } worker)
            return null;
        lock (worker)
        {
            worker.LastSeen = clock.GetUtcNow();
            if (state is not null)
                worker.State = state;
            if (setJob)
                worker.Job = job;
        }

        return worker;
    }

    public void Goodbye(string name, string session)
    {
        if (Find(name, session) is { } worker)
            _workers.TryRemove(new KeyValuePair<string, LiveWorker>(name, worker));
    }

    public IReadOnlyList<LiveWorker> Live()
    {
        var now = clock.GetUtcNow();
        return _workers.Values.Where(w => IsLive(w, now)).OrderBy(w => w.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Live workers waiting for work: the front end releases at most one stream entry for each.</summary>
    public int IdleCount() => Live().Count(w => w.State == WorkerStates.Idle);

    /// <summary>Whether a live worker says it runs <paramref name="jobId"/>.</summary>
    public bool Runs(Guid jobId) => Live().Any(w => w.Job == jobId);

    private bool IsLive(LiveWorker worker, DateTimeOffset now) => now - worker.LastSeen < Lease;
}

/// <summary>One worker as the front end knows it.</summary>
public sealed class LiveWorker(string name, string session, string version, string device, int threads, DateTimeOffset seen)
{
    public string Name { get; } = name;

    public string Session { get; } = session;

    public string Version { get; } = version;

    public string Device { get; } = device;

    public int Threads { get; } = threads;

    /// <summary>What the worker loaded; null while it loads.</summary>
    public EngineDescription? Engine { get; set; }

    public string State { get; set; } = WorkerStates.Loading;

    public Guid? Job { get; set; }

    public DateTimeOffset LastSeen { get; set; } = seen;
}
