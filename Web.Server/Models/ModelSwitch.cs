using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Workers;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Models;

/// <summary>
/// The active model selection: kept in SQLite across restarts, and handed to the engine worker, which applies
/// it on the engine thread between jobs and has the generation backend describe itself again. So a switch
/// never interrupts a running job and applies from the next one, without a restart.
/// </summary>
public sealed class ModelSwitch(StoredSettings settings, IModelManager manager, FleetModels fleet, IOptions<EngineServiceOptions> mode,
    ILogger<ModelSwitch> logger)
{
    public const string SettingKey = "models.active";

    private ModelSelection? _pending;

    public async Task<ModelSelection> ActiveAsync(CancellationToken cancellationToken) =>
        await settings.ReadAsync<ModelSelection>(SettingKey, JsonSerializerOptions.Web, cancellationToken) ?? ModelSelection.Defaults;

    /// <summary>
    /// Stores the selection and marks it for the in-process engine to apply before the next job; with engine workers,
    /// orders every worker to load it between jobs.
    /// </summary>
    public async Task RequestAsync(ModelSelection selection, CancellationToken cancellationToken)
    {
        await settings.WriteAsync(SettingKey, selection, JsonSerializerOptions.Web, cancellationToken);
        if (mode.Value.UsesWorkers)
            await fleet.OrderAsync(selection, cancellationToken);
        else
            Interlocked.Exchange(ref _pending, selection);
    }

    /// <summary>At start: the stored selection, so the engine comes up with the models chosen last time.</summary>
    public async Task LoadStoredAsync(CancellationToken cancellationToken)
    {
        var stored = await ActiveAsync(cancellationToken);
        if (stored != ModelSelection.Defaults)
            Interlocked.CompareExchange(ref _pending, stored, null);
    }

    /// <summary>Applies a pending selection on the engine thread; true when one was applied (so the backend must describe itself again).</summary>
    public async Task<bool> ApplyPendingAsync(EngineThread engineThread)
    {
        if (Interlocked.Exchange(ref _pending, null) is not { } selection)
            return false;
        try
        {
            await engineThread.RunAsync(() =>
            {
                manager.Activate(selection);
                return true;
            });
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "The engine refused the model switch; it describes what it has now");
        }

        return true;
    }
}
