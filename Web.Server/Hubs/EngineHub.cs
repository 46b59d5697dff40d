using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Server.Identity;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Study;
using Microsoft.AspNetCore.SignalR;

namespace Clap2Diffusion.Server.Hubs;

/// <summary>
/// Job notifications for clients outside Blazor. <c>Subscribe(jobId)</c> joins the job's group and replays its
/// current state at once, so a late subscriber misses nothing; then <see cref="HubRelay"/> forwards every event.
/// A study's job is answered as a job that does not exist, and the connection does not join its group.
/// </summary>
public sealed class EngineHub(IJobQueue queue, StudyBlinding blinding) : Hub
{
    public const string Path = "/hubs/engine";

    public static string Group(Guid jobId) => $"job:{jobId:N}";

    public async Task Subscribe(Guid jobId)
    {
        if (await blinding.HidesJobAsync(jobId, Context.User, Context.ConnectionAborted))
        {
            await HubMessages.SendAsync(Clients.Caller, new FailedEvent(jobId, "There is no such job."), Context.ConnectionAborted);
            return;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, Group(jobId));
        var status = await queue.GetAsync(jobId, ClientIds.Of(Context.User!) ?? "", Context.ConnectionAborted);
        JobEvent current = status switch
        {
            null => new FailedEvent(jobId, "There is no such job."),
            { State: JobState.Queued or JobState.Running, LastProgress: { } progress } => progress,
            { State: JobState.Queued or JobState.Running } => new QueuePositionEvent(jobId, status.Position ?? 0),
            { State: JobState.Completed } => new CompletedEvent(jobId, status.Images?.All ?? [], status.Relation?.Name()),
            _ => new FailedEvent(jobId, status.Error ?? status.State.ToString()),
        };
        await HubMessages.SendAsync(Clients.Caller, current, Context.ConnectionAborted);
    }

    public Task Unsubscribe(Guid jobId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, Group(jobId));
}
