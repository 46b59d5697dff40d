using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Events;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>Carries job events to components (per job) and to the hub relay (all of them).</summary>
public sealed class JobEventBus(ILogger<JobEventBus> logger) : EventBus<JobEvent>(logger), IJobEvents
{
    protected override Guid KeyOf(JobEvent published) => published.JobId;
}
