using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Accounts;
using Clap2Diffusion.Server.Jobs;

namespace Clap2Diffusion.Server.Api;

/// <summary>For admins: one client's queued jobs, and removing them all (a client that floods the queue).</summary>
public static class AdminQueueEndpoints
{
    public static RouteGroupBuilder MapAdminQueueEndpoints(this RouteGroupBuilder api)
    {
        var clients = api.MapGroup("/admin/clients/{ownerId}/jobs").RequireAuthorization(AdminClaims.Policy).WithTags("Admin");

        clients.MapGet("", async (string ownerId, JobStore store, CancellationToken cancellationToken) =>
            {
                var queued = await store.QueuedOfAsync(ownerId, cancellationToken);
                var result = new List<AdminQueuedJob>(queued.Count);
                foreach (var job in queued)
                    result.Add(new AdminQueuedJob(job.Id, job.Kind, job.Prompt, job.CreatedAt, await store.PositionAsync(job, cancellationToken) ?? 0));
                return result;
            })
            .WithName("ListClientQueuedJobs").WithSummary("A client's queued jobs, in the order they would run, with their queue positions.");

        clients.MapDelete("", async (string ownerId, JobStore store, QueueSignal signal, ILoggerFactory logs, CancellationToken cancellationToken) =>
            {
                var purged = await store.PurgeQueuedAsync(ownerId, cancellationToken);
                logs.CreateLogger(typeof(AdminQueueEndpoints)).LogWarning("An admin removed {Count} queued jobs of {OwnerId}", purged, ownerId);
                signal.Notify();
                await store.PublishPositionsAsync(cancellationToken);
                return new PurgeResponse(purged);
            })
            .WithName("PurgeClientQueuedJobs").WithSummary("Cancel every queued job of a client.")
            .AddEndpointFilter<ExplicitClientFilter>();
        return api;
    }
}

public sealed record AdminQueuedJob(Guid Id, JobKind Kind, string Prompt, DateTime CreatedAt, int Position);

public sealed record PurgeResponse(int Purged);
