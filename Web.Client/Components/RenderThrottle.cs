namespace Clap2Diffusion.Client.Components;

/// <summary>
/// Limits how often a component re-renders for a stream of events (a job sends one per denoising step):
/// the first request renders at once, later ones at most once per interval, and the last is never lost,
/// because a request that arrives too soon schedules one trailing render.
/// </summary>
public sealed class RenderThrottle(TimeSpan interval, Func<Task> render) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private long _lastTicks = long.MinValue;
    private bool _trailingScheduled;

    public Task RequestAsync(bool immediate = false)
    {
        var now = Environment.TickCount64;
        TimeSpan wait;
        lock (_gate)
        {
            var since = _lastTicks == long.MinValue ? interval : TimeSpan.FromMilliseconds(now - _lastTicks);
            if (immediate || since >= interval)
            {
                _lastTicks = now;
                return _disposed.IsCancellationRequested ? Task.CompletedTask : render();
            }

            if (_trailingScheduled)
                return Task.CompletedTask;
            _trailingScheduled = true;
            wait = interval - since;
        }

        return TrailingAsync(wait);
    }

    private async Task TrailingAsync(TimeSpan wait)
    {
        try
        {
            await Task.Delay(wait, _disposed.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_gate)
        {
            _trailingScheduled = false;
            _lastTicks = Environment.TickCount64;
        }

        await render();
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
