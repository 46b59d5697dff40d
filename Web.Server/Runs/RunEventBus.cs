using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Runs;

/// <summary>
/// Carries run events to the admin pages, and what the engine is doing besides generating to the studio.
/// Publishing never blocks (the engine thread publishes); one pump delivers in order.
/// </summary>
public sealed class RunEventBus : IEngineActivity, IDisposable
{
    private readonly Channel<Func<Task>> _deliveries = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, ImmutableList<Func<RunEvent, Task>>> _byRun = new();
    private ImmutableList<Func<BackgroundWork?, Task>> _activity = [];
    private readonly ILogger<RunEventBus> _logger;
    private readonly Task _pump;
    private volatile BackgroundWork? _current;

    public RunEventBus(ILogger<RunEventBus> logger)
    {
        _logger = logger;
        _pump = Task.Run(PumpAsync);
    }

    public BackgroundWork? Current => _current;

    public void Publish(RunEvent runEvent)
    {
        var handlers = _byRun.GetValueOrDefault(runEvent.RunId, []);
        foreach (var handler in handlers)
            _deliveries.Writer.TryWrite(() => handler(runEvent));
    }

    public void SetCurrent(BackgroundWork? work)
    {
        _current = work;
        foreach (var handler in _activity)
            _deliveries.Writer.TryWrite(() => handler(work));
    }

    public IDisposable Subscribe(Guid runId, Func<RunEvent, Task> handler)
    {
        _byRun.AddOrUpdate(runId, _ => [handler], (_, list) => list.Add(handler));
        return new Subscription(() => _byRun.AddOrUpdate(runId, _ => [], (_, list) => list.Remove(handler)));
    }

    public IDisposable Subscribe(Func<BackgroundWork?, Task> handler)
    {
        ImmutableInterlocked.Update(ref _activity, list => list.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref _activity, list => list.Remove(handler)));
    }

    private async Task PumpAsync()
    {
        await foreach (var delivery in _deliveries.Reader.ReadAllAsync())
        {
            try
            {
                await delivery();
            }
            catch (Exception exception)
            {
                _logger.LogWarning(exception, "A run event subscriber failed");
            }
        }
    }

    public void Dispose()
    {
        _deliveries.Writer.TryComplete();
        _pump.Wait(TimeSpan.FromSeconds(5));
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}
