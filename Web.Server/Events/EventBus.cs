using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;

namespace Clap2Diffusion.Server.Events;

/// <summary>
/// Carries one kind of event, each about one job or run, from its publishers to this process's subscribers.
/// Publishing never blocks, because the engine thread publishes; one pump delivers in the order of publishing,
/// so a slow subscriber delays the others but never the engine. Handlers are looked up when an event is
/// delivered, so one that has unsubscribed is not called with events still in the pump.
/// </summary>
public abstract class EventBus<TEvent> : IDisposable
{
    private readonly Channel<Func<Task>> _deliveries = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, ImmutableList<Func<TEvent, Task>>> _byKey = new();
    private ImmutableList<Func<TEvent, Task>> _everything = [];
    private readonly ILogger _logger;
    private readonly Task _pump;

    protected EventBus(ILogger logger)
    {
        _logger = logger;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The job or run an event is about.</summary>
    protected abstract Guid KeyOf(TEvent published);

    public void Publish(TEvent published) => Enqueue(() => DeliverAsync(published));

    /// <summary>The events of one job or run.</summary>
    public IDisposable Subscribe(Guid key, Func<TEvent, Task> handler)
    {
        _byKey.AddOrUpdate(key, _ => [handler], (_, list) => list.Add(handler));
        return new Subscription(() =>
        {
            _byKey.AddOrUpdate(key, _ => [], (_, list) => list.Remove(handler));
            _byKey.TryRemove(new KeyValuePair<Guid, ImmutableList<Func<TEvent, Task>>>(key, []));
        });
    }

    /// <summary>Every event, whatever it is about (the hub relay and the soak's watch).</summary>
    public IDisposable SubscribeAll(Func<TEvent, Task> handler)
    {
        ImmutableInterlocked.Update(ref _everything, list => list.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref _everything, list => list.Remove(handler)));
    }

    public int SubscriberCount(Guid key) => _byKey.TryGetValue(key, out var list) ? list.Count : 0;

    /// <summary>Queues other work behind the events already published, for what a bus carries besides its events.</summary>
    protected void Enqueue(Func<Task> delivery) => _deliveries.Writer.TryWrite(delivery);

    private async Task DeliverAsync(TEvent published)
    {
        var handlers = _everything;
        if (_byKey.TryGetValue(KeyOf(published), out var forKey))
            handlers = handlers.AddRange(forKey);
        foreach (var handler in handlers)
        {
            try
            {
                await handler(published);
            }
            catch (Exception exception)
            {
                _logger.LogWarning(exception, "A subscriber failed on {Event} for {Key}", published?.GetType().Name, KeyOf(published));
            }
        }
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
                _logger.LogWarning(exception, "A subscriber failed");
            }
        }
    }

    public void Dispose()
    {
        _deliveries.Writer.TryComplete();
        _pump.Wait(TimeSpan.FromSeconds(5));
        GC.SuppressFinalize(this);
    }

    /// <summary>Ends a subscription once, however often it is disposed.</summary>
    protected sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}
