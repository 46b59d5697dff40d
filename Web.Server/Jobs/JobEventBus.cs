using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>
/// The in-process singleton that carries job events to components and to the hub relay. Publishing never
/// blocks (the engine thread publishes); one pump delivers events in the order they were published.
/// </summary>
public sealed class JobEventBus : IJobEvents, IDisposable
{
    private readonly Channel<JobEvent> _events = Channel.CreateUnbounded<JobEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, ImmutableList<Func<JobEvent, Task>>> _byJob = new();
    private ImmutableList<Func<JobEvent, Task>> _everything = [];
    private readonly ILogger<JobEventBus> _logger;
    private readonly Task _pump;

    public JobEventBus(ILogger<JobEventBus> logger)
    {
        _logger = logger;
        _pump = Task.Run(PumpAsync);
    }

    public void Publish(JobEvent jobEvent) => _events.Writer.TryWrite(jobEvent);

    public IDisposable Subscribe(Guid jobId, Func<JobEvent, Task> handler)
    {
        _byJob.AddOrUpdate(jobId, _ => [handler], (_, list) => list.Add(handler));
        return new Subscription(() =>
        {
            _byJob.AddOrUpdate(jobId, _ => [], (_, list) => list.Remove(handler));
            _byJob.TryRemove(new KeyValuePair<Guid, ImmutableList<Func<JobEvent, Task>>>(jobId, []));
        });
    }

    /// <summary>Every job's events (the hub relay and logs use this; components subscribe per job).</summary>
    public IDisposable SubscribeAll(Func<JobEvent, Task> handler)
    {
        ImmutableInterlocked.Update(ref _everything, list => list.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref _everything, list => list.Remove(handler)));
    }

    public int SubscriberCount(Guid jobId) => _byJob.TryGetValue(jobId, out var list) ? list.Count : 0;

    private async Task PumpAsync()
    {
        await foreach (var jobEvent in _events.Reader.ReadAllAsync())
        {
            var handlers = _everything;
            if (_byJob.TryGetValue(jobEvent.JobId, out var forJob))
                handlers = handlers.AddRange(forJob);
            foreach (var handler in handlers)
            {
                try
                {
                    await handler(jobEvent);
                }
                catch (Exception exception)
                {
                    _logger.LogWarning(exception, "A subscriber failed on {Event} for job {JobId}", jobEvent.GetType().Name, jobEvent.JobId);
                }
            }
        }
    }

    public void Dispose()
    {
        _events.Writer.TryComplete();
        _pump.Wait(TimeSpan.FromSeconds(5));
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}
