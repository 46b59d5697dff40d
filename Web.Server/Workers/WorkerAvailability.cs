using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

/// <summary>Whether queued jobs can start at all: in remote mode only while an engine worker is live.</summary>
public sealed class WorkerAvailability(IOptions<EngineServiceOptions> options, WorkerRegistry registry)
{
    public const string NoWorker = "waiting for an engine worker";

    /// <summary>Why no queued job can start now, or null when an engine is there to run them.</summary>
    public string? WaitingReason() => options.Value.IsRemote && registry.Live().Count == 0 ? NoWorker : null;
}
