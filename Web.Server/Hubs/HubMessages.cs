using Clap2Diffusion.Client.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace Clap2Diffusion.Server.Hubs;

/// <summary>The hub's client methods: each job event goes out under its own name with its own fields.</summary>
public static class HubMessages
{
    public const string QueuePosition = nameof(QueuePosition);
    public const string Progress = nameof(Progress);
    public const string Completed = nameof(Completed);
    public const string Failed = nameof(Failed);

    public static Task SendAsync(IClientProxy clients, JobEvent jobEvent, CancellationToken cancellationToken) => jobEvent switch
    {
        QueuePositionEvent e => clients.SendAsync(QueuePosition, e, cancellationToken),
        ProgressEvent e => clients.SendAsync(Progress, e, cancellationToken),
        CompletedEvent e => clients.SendAsync(Completed, e, cancellationToken),
        FailedEvent e => clients.SendAsync(Failed, e, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(jobEvent), jobEvent.GetType().Name, "Not a hub message."),
    };
}
