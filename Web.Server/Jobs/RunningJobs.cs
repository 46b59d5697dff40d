using System.Collections.Concurrent;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>The cancellation handle of the job the engine is running, so its owner can skip it.</summary>
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<Guid, Handle> _running = new();

    public Handle Start(Guid jobId, CancellationTokenSource cancellation)
    {
        var handle = new Handle(cancellation);
        _running[jobId] = handle;
        return handle;
    }

    public void End(Guid jobId) => _running.TryRemove(jobId, out _);

    public bool Skip(Guid jobId)
    {
        if (!_running.TryGetValue(jobId, out var handle))
            return false;
        handle.SkipRequested = true;
        handle.Cancellation.Cancel();
        return true;
    }

    public sealed class Handle(CancellationTokenSource cancellation)
    {
        public CancellationTokenSource Cancellation { get; } = cancellation;

        public volatile bool SkipRequested;
    }
}
