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
    // Drained by an admin, by name: kept when the worker restarts or says hello again, until resumed.
    private readonly ConcurrentDictionary<string, bool> _paused = new(StringComparer.Ordinal);

    private TimeSpan Lease => options.Value.Lease;

    /// <summary>Registers a worker; null when a live worker already has the name.</summary>
    public LiveWorker? Hello(WorkerHello hello)
    {
        var now = clock.GetUtcNow();
        var worker = new LiveWorker(hello.Name, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), hello.Version, hello.Device, hello.Threads, now)
        {
            SharedRoots = hello.SharedRoots ?? [],
        };
        if (_workers.TryGetValue(hello.Name, out var earlier))
            worker.CarryOver(earlier);
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

    /// <summary>Idle live workers by the model set they hold: the front end releases at most one stream entry for each.</summary>
    public Dictionary<string, int> IdleBySet() =>
        Live().Where(w => w.State == WorkerStates.Idle && !IsPaused(w.Name) && w.Engine is not null && w.Training is null && w.Evaluation is null)
            .GroupBy(w => w.Engine!.ModelSet).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>Live workers that hold <paramref name="set"/> and take work (not drained by an admin).</summary>
    public int Serving(string set) => Live().Count(w => w.Engine?.ModelSet == set && !IsPaused(w.Name) && w.State != WorkerStates.Draining);

    public bool IsPaused(string name) => _paused.ContainsKey(name);

    /// <summary>An admin drains a worker (it finishes its job, then takes no work) or resumes it; false for a name never seen.</summary>
    public bool SetPaused(string name, bool paused)
    {
        if (!_workers.ContainsKey(name))
            return false;
        if (paused)
            _paused[name] = true;
        else
            _paused.TryRemove(name, out _);
        return true;
    }

    /// <summary>Every worker heard from, live or not (the admin page shows the silent ones too).</summary>
    public IReadOnlyList<LiveWorker> All() => _workers.Values.OrderBy(w => w.Name, StringComparer.Ordinal).ToList();

    public bool IsLive(LiveWorker worker) => IsLive(worker, clock.GetUtcNow());

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

    /// <summary>Folders it reads and writes at the front end's paths, as it announced them.</summary>
    public IReadOnlyList<string> SharedRoots { get; init; } = [];

    /// <summary>The training run the front end gave it, until that attempt ends; it takes no jobs meanwhile.</summary>
    public TrainingOrder? Training { get; set; }

    /// <summary>The evaluation shard the front end gave it, until that attempt ends; it takes no jobs meanwhile.</summary>
    public EvaluationOrder? Evaluation { get; set; }

    /// <summary>The training run (or evaluation run) it reports working on.</summary>
    public Guid? Run { get; set; }

    /// <summary>The admin's model order it loaded; 0 for its own set.</summary>
    public long ModelGeneration { get; set; }

    /// <summary>Why its last model order failed, as it reports; null when it loaded.</summary>
    public string? ModelError { get; set; }

    public int JobsDone { get; private set; }

    public double SecondsWorked { get; private set; }

    /// <summary>The last job failure on this worker, or its model error.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset Started { get; private set; } = seen;

    /// <summary>Records a job it finished (completed, failed or skipped).</summary>
    public void Finished(double runMs, string? error)
    {
        lock (this)
        {
            JobsDone++;
            SecondsWorked += runMs / 1000;
            if (error is not null)
                LastError = error;
        }
    }

    /// <summary>A worker that says hello again under the same name keeps its counts.</summary>
    public void CarryOver(LiveWorker earlier)
    {
        JobsDone = earlier.JobsDone;
        SecondsWorked = earlier.SecondsWorked;
        LastError = earlier.LastError;
        Started = earlier.Started;
    }
}
