using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Jobs;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

/// <summary>The front end's settings a worker follows, told in its welcome.</summary>
public sealed class RemoteWorkerSettings(IOptions<EngineServiceOptions> engine, IOptions<QueueOptions> queue, IOptions<SafetyOptions> safety,
    IOptions<CompositionOptions> composition, FleetModels models, WorkerRegistry registry)
{
    public WorkerWelcome Welcome(LiveWorker worker) =>
        new(worker.Session, engine.Value.WorkerLeaseSeconds, queue.Value.PreviewInterval, safety.Value.BlurPreviews,
            composition.Value.ContradictoryStrength, models.Order, registry.IsPaused(worker.Name));
}
