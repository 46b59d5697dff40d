using Clap2Diffusion.Client.Contracts;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

/// <summary><see cref="IWorkerConsole"/> over the registry: the Workers page, <c>/api/admin/workers</c> and <c>/health</c> read the same view.</summary>
public sealed class WorkerConsole(WorkerRegistry registry, FleetModels models, IOptions<EngineServiceOptions> options, TimeProvider clock,
    ILogger<WorkerConsole> logger) : IWorkerConsole
{
    public FleetInfo Fleet() => new(options.Value.Mode, options.Value.UsesWorkers, models.Active, registry.All().Select(View).ToList());

    /// <summary>The live workers only, as <c>/health</c> lists them.</summary>
    public IReadOnlyList<WorkerInfo> Live() => registry.Live().Select(View).ToList();

    public bool Drain(string name) => Pause(name, true);

    public bool Resume(string name) => Pause(name, false);

    private bool Pause(string name, bool paused)
    {
        if (!registry.SetPaused(name, paused))
            return false;
        logger.LogInformation("An admin {Action} engine worker {Worker}", paused ? "drained" : "resumed", name);
        return true;
    }

    private WorkerInfo View(LiveWorker worker)
    {
        var engine = worker.Engine;
        return new WorkerInfo(worker.Name, engine?.DeviceName ?? worker.Device, engine?.Dtype ?? "", worker.Threads, worker.Version,
            registry.IsLive(worker) ? worker.State : "silent", worker.Job, engine?.ModelSet, engine?.ModelName, engine?.ModelHash, engine?.ClapHash,
            engine?.AdaptersHash, registry.IsPaused(worker.Name), worker.JobsDone,
            worker.JobsDone > 0 ? Math.Round(worker.SecondsWorked / worker.JobsDone, 2) : null, worker.ModelError ?? worker.LastError,
            Math.Round((clock.GetUtcNow() - worker.LastSeen).TotalSeconds, 1));
    }
}
