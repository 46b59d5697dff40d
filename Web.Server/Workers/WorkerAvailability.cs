using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

/// <summary>Whether a queued job can start at all: when jobs run on workers, only while a live worker holds its model set.</summary>
public sealed class WorkerAvailability(IOptions<EngineServiceOptions> options, WorkerRegistry registry, FleetModels models)
{
    public const string NoWorker = "waiting for an engine worker";

    /// <summary>Why <paramref name="job"/> cannot start now, or null when an engine is there to run it.</summary>
    public string? WaitingReason(JobEntity job)
    {
        if (!options.Value.UsesWorkers)
            return null;
        if (registry.Live().Count == 0)
            return NoWorker;
        var set = job.ModelSet ?? models.Active;
        return set is null || registry.Serving(set) > 0 ? null : $"{NoWorker} with model set {models.Name(set)}";
    }

    /// <summary>How many engines can run jobs of <paramref name="set"/> (null: the active set) side by side; 1 in-process.</summary>
    public int Engines(string? set)
    {
        if (!options.Value.UsesWorkers)
            return 1;
        return (set ?? models.Active) is { } known ? registry.Serving(known) : 0;
    }
}
