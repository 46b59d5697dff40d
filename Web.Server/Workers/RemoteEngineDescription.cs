using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// In remote mode the studio describes the model its workers announce. The last announcement is kept in the database,
/// so after a restart the front end accepts jobs (which wait) before any worker is back.
/// </summary>
public sealed class RemoteEngineDescription(StoredSettings settings, EngineState state, ILogger<RemoteEngineDescription> logger)
{
    private const string SettingKey = "engine.remote-description";

    private EngineDescription? _current;

    /// <summary>Marks the studio ready on the stored description, if a worker ever announced one.</summary>
    public async Task LoadStoredAsync(CancellationToken cancellationToken)
    {
        if (await settings.ReadAsync<EngineDescription>(SettingKey, WorkerJson.Options, cancellationToken) is { } stored)
        {
            _current = stored;
            state.MarkReady(EngineInfos.From(stored));
        }
        else
            state.MarkUnavailable("Waiting for an engine worker: none has connected yet.");
    }

    public async Task AnnounceAsync(string worker, EngineDescription engine)
    {
        if (_current is { } current && current.ModelHash == engine.ModelHash && current.AdaptersHash == engine.AdaptersHash
            && current.ClapHash == engine.ClapHash && current.Device == engine.Device)
            return;
        if (_current is not null)
            logger.LogWarning("Engine worker {Worker} holds another model set ({ModelHash}, adapters {AdapterHash}) than the studio described; " +
                "the studio now describes this one, and jobs go to any worker", worker, engine.ModelHash, engine.AdaptersHash ?? "none");
        _current = engine;
        state.MarkReady(EngineInfos.From(engine));
        await settings.WriteAsync(SettingKey, engine, WorkerJson.Options, CancellationToken.None);
    }
}
