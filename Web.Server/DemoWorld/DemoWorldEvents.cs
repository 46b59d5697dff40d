using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Events;

namespace Clap2Diffusion.Server.DemoWorld;

/// <summary>Carries the demo world dataset's status to the admin pages, off the thread that builds it.</summary>
public sealed class DemoWorldEvents(ILogger<DemoWorldEvents> logger) : EventBus<DemoWorldStatus>(logger)
{
    // There is one demo world: every subscriber gets every status.
    protected override Guid KeyOf(DemoWorldStatus published) => Guid.Empty;
}
