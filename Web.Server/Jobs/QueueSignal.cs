namespace Clap2Diffusion.Server.Jobs;

/// <summary>Wakes the engine worker when a job is queued, so it need not poll the database.</summary>
public sealed class QueueSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; the worker will look at the queue anyway.
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
