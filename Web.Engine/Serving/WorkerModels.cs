using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// The model set a worker holds, and how it follows the admin's switches: between jobs it loads the ordered set; when
/// that fails (the folders are missing here, the adapters do not fit) it says why and keeps serving the set it had.
/// Each order is tried once, so a bad order costs one attempt, not one per loop.
/// </summary>
public sealed class WorkerModels(ServeOptions options, ComputeTarget target, double contradictoryStrength, TextWriter log) : IDisposable
{
    private ClapDiffusionPipeline? _pipeline;
    private WorkerModelSet? _set;
    private long _tried;

    public ClapDiffusionPipeline Pipeline => _pipeline ?? throw new InvalidOperationException("no model set is loaded");

    /// <summary>The folders of the set it holds (a training run trains on its base model and CLAP).</summary>
    public WorkerModelSet Set => _set ?? throw new InvalidOperationException("no model set is loaded");

    /// <summary>Frees the pipeline while the worker trains: the trainer loads its own copy, and two may not fit a GPU.</summary>
    public void Release()
    {
        _pipeline?.Dispose();
        _pipeline = null;
    }

    /// <summary>Loads the held set again after <see cref="Release"/>.</summary>
    public void Restore()
    {
        if (_pipeline is null && _set is not null)
            Load(_set, Generation);
    }

    public EngineDescription Engine { get; private set; } = null!;

    /// <summary>The order loaded; 0 while the worker serves its own set.</summary>
    public long Generation { get; private set; }

    /// <summary>Why the last order could not be loaded; null when it was.</summary>
    public string? Error { get; private set; }

    /// <summary>At start: the ordered set when there is one and it loads here, else the worker's own.</summary>
    public void LoadFirst(ModelOrder? order)
    {
        if (order is not null && TryLoad(order))
            return;
        Load(WorkerModelSet.Own(options), 0);
    }

    public bool ShouldTry(ModelOrder order) => order.Generation != _tried && order.Generation != Generation;

    /// <summary>Loads the ordered set in place of the current one; on failure reloads the current one and records why.</summary>
    public void Switch(ModelOrder order)
    {
        var previous = (_set!, Generation);
        if (TryLoad(order))
            return;
        Load(previous.Item1, previous.Generation);
    }

    private bool TryLoad(ModelOrder order)
    {
        _tried = order.Generation;
        try
        {
            var set = WorkerModelSet.Resolve(order, options);
            Load(set, order.Generation);
            Error = null;
            log.WriteLine($"serve: loaded the admin's model set (order {order.Generation}): {Engine.ModelSet}");
            return true;
        }
        catch (Exception exception) when (exception is InputException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Error = $"could not load the admin's model set (order {order.Generation}): {exception.Message}";
            log.WriteLine($"serve: {Error}; keeping the set it has");
            return false;
        }
    }

    private void Load(WorkerModelSet set, long generation)
    {
        // The old set goes first: two SD 1.5 sets at once may not fit a GPU.
        _pipeline?.Dispose();
        _pipeline = null;
        _pipeline = ClapDiffusionPipeline.Load(new PipelineOptions(set.Model, set.Clap, set.Adapters, target,
            Composition: new CompositionStrategy(contradictoryStrength)));
        _set = set;
        Generation = generation;
        Engine = EngineDescription.Of(_pipeline);
    }

    public void Dispose() => _pipeline?.Dispose();
}
