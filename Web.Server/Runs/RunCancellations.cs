using System.Collections.Concurrent;

namespace Clap2Diffusion.Server.Runs;

/// <summary>The cancellation handle of the run the engine is busy with, so an admin can stop it.</summary>
public sealed class RunCancellations
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();
    private readonly ConcurrentDictionary<Guid, bool> _requested = new();

    public void Start(Guid runId, CancellationTokenSource cancellation)
    {
        _requested.TryRemove(runId, out _);
        _running[runId] = cancellation;
    }

    public void End(Guid runId) => _running.TryRemove(runId, out _);

    public bool WasRequested(Guid runId) => _requested.ContainsKey(runId);

    public bool Cancel(Guid runId)
    {
        if (!_running.TryGetValue(runId, out var cancellation))
            return false;
        _requested[runId] = true;
        cancellation.Cancel();
        return true;
    }
}
