using System.Collections.Concurrent;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// The model sets the workers have announced, and which one is active: a job that names no set goes to the active one.
/// The first set ever announced becomes active; after an admin's switch, the first set a worker loads for that order
/// does. Other sets stay known, so a job may name one even while no worker holds it (it waits). All of it is kept in
/// the database, so a restarted front end takes jobs before any worker is back.
/// </summary>
public sealed class FleetModels(StoredSettings settings, EngineState state, ILogger<FleetModels> logger)
{
    private const string KnownKey = "engine.model-sets";
    private const string ActiveKey = "engine.active-model-set";
    private const string OrderKey = "engine.model-order";

    private readonly ConcurrentDictionary<string, EngineDescription> _known = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writes = new(1, 1);
    private volatile string? _active;
    private volatile ModelOrder? _order;

    /// <summary>The active set's key; null until a worker ever announced one.</summary>
    public string? Active => _active;

    /// <summary>The admin's last switch, which every worker follows; null when there was none.</summary>
    public ModelOrder? Order => _order;

    public IReadOnlyDictionary<string, EngineDescription> Known => _known;

    public EngineDescription? Describe(string set) => _known.GetValueOrDefault(set);

    /// <summary>"3f2a… (demo-sd, adapters 91bc…)": how pages name a set.</summary>
    public string Name(string set) => Describe(set) is { } engine
        ? $"{set} ({engine.ModelName}, adapters {(engine.AdaptersHash is { } adapters ? adapters[..Math.Min(12, adapters.Length)] : "none")})"
        : set;

    /// <summary>
    /// Marks the studio ready on the stored active set, if a worker ever announced one. A worker may have announced
    /// itself already (workers can say hello while the database is migrated): what it said stands.
    /// </summary>
    public async Task LoadStoredAsync(CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            foreach (var (key, engine) in await settings.ReadAsync<Dictionary<string, EngineDescription>>(KnownKey, WorkerJson.Options, cancellationToken) ?? [])
                _known.TryAdd(key, engine);
            _order ??= await settings.ReadAsync<ModelOrder>(OrderKey, WorkerJson.Options, cancellationToken);
            if (_active is not null)
                return;
            var active = await settings.ReadAsync<string>(ActiveKey, WorkerJson.Options, cancellationToken);
            if (active is not null && _known.TryGetValue(active, out var described))
            {
                _active = active;
                state.MarkReady(EngineInfos.From(described));
            }
            else
                state.MarkUnavailable("Waiting for an engine worker: none has connected yet.");
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>A worker loaded <paramref name="engine"/>, for order <paramref name="generation"/> (0: its own set).</summary>
    public async Task AnnounceAsync(string worker, EngineDescription engine, long generation)
    {
        var set = engine.ModelSet;
        await _writes.WaitAsync();
        try
        {
            var isNew = !_known.TryGetValue(set, out var before) || before != engine;
            _known[set] = engine;
            if (isNew)
                await settings.WriteAsync(KnownKey, new Dictionary<string, EngineDescription>(_known), WorkerJson.Options, CancellationToken.None);
            var becomesActive = _active is null || (generation > 0 && generation == _order?.Generation && _active != set);
            if (becomesActive)
            {
                _active = set;
                await settings.WriteAsync(ActiveKey, set, WorkerJson.Options, CancellationToken.None);
                logger.LogInformation("Model set {Set} is now the active one (announced by {Worker})", Name(set), worker);
            }
            if (set == _active)
                state.MarkReady(EngineInfos.From(engine));
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>An admin switched the active set: every worker is told to load it between jobs.</summary>
    public async Task OrderAsync(ModelSelection selection, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            var order = new ModelOrder((_order?.Generation ?? 0) + 1, selection.BaseModelFolder, selection.ClapFolder, selection.AdapterFolder);
            await settings.WriteAsync(OrderKey, order, WorkerJson.Options, cancellationToken);
            _order = order;
            logger.LogInformation("Model order {Generation} for the workers: base {Model}, CLAP {Clap}, adapters {Adapters}", order.Generation,
                order.BaseModelFolder ?? "their own", order.ClapFolder ?? "their own", order.AdapterFolder ?? "their own");
        }
        finally
        {
            _writes.Release();
        }
    }
}
