using Clap2Diffusion.Server.Jobs;
using Microsoft.AspNetCore.SignalR;

namespace Clap2Diffusion.Server.Hubs;

/// <summary>Forwards every job event from the in-process bus to the job's hub group.</summary>
public sealed class HubRelay(JobEventBus events, IHubContext<EngineHub> hub) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.SubscribeAll(jobEvent =>
            HubMessages.SendAsync(hub.Clients.Group(EngineHub.Group(jobEvent.JobId)), jobEvent, CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
