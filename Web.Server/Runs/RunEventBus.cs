using System.Collections.Immutable;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Events;

namespace Clap2Diffusion.Server.Runs;

/// <summary>
/// Carries run events to the admin pages, and, through the same pump, what the engine is doing besides
/// generating to the studio.
/// </summary>
public sealed class RunEventBus(ILogger<RunEventBus> logger) : EventBus<RunEvent>(logger), IEngineActivity
{
    private ImmutableList<Func<BackgroundWork?, Task>> _activity = [];
    private volatile BackgroundWork? _current;

    public BackgroundWork? Current => _current;

    public void SetCurrent(BackgroundWork? work)
    {
        _current = work;
        foreach (var handler in _activity)
            Enqueue(() => handler(work));
    }

    public IDisposable Subscribe(Func<BackgroundWork?, Task> handler)
    {
        ImmutableInterlocked.Update(ref _activity, list => list.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref _activity, list => list.Remove(handler)));
    }

    protected override Guid KeyOf(RunEvent published) => published.RunId;
}
