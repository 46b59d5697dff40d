using Clap2Diffusion.Engine.Serving;
using Microsoft.AspNetCore.Mvc;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// <c>/api/worker/*</c>: how engine workers say hello, heartbeat, claim jobs, fetch their inputs and return progress
/// and results. Every call needs the workers' key (<see cref="WorkerKeyFilter"/>); a worker sees a job's inputs only
/// while it holds the job. Workers never touch the database or the front end's disk.
/// </summary>
public static class WorkerEndpoints
{
    // A result holds two PNGs of up to 1024 x 1024 in base64; far below this.
    private const long MaxResultBytes = 64L * 1024 * 1024;

    public static IEndpointRouteBuilder MapWorkerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/worker").WithTags("Engine workers").AddEndpointFilter<WorkerKeyFilter>().ExcludeFromDescription();

        group.MapPost("/hello", (WorkerHello hello, WorkerRegistry registry, RemoteWorkerSettings settings) =>
        {
            if (string.IsNullOrWhiteSpace(hello.Name) || hello.Name.Length > 64 || hello.Name.Any(char.IsControl))
                return Results.Problem("A worker name has 1 to 64 printable characters.", statusCode: StatusCodes.Status400BadRequest);
            return registry.Hello(hello) is { } worker
                ? Results.Ok(settings.Welcome(worker))
                : Results.Problem($"A worker named '{hello.Name}' is already live; give this one another --name.", statusCode: StatusCodes.Status409Conflict);
        });

        group.MapPost("/ready", async (WorkerReady ready, WorkerRegistry registry, RemoteJobFlow flow) =>
        {
            if (registry.Find(ready.Name, ready.Session) is not { } worker)
                return Forgotten();
            await flow.ReadyAsync(worker, ready.Engine, ready.ModelGeneration);
            return Results.NoContent();
        });

        group.MapPost("/heartbeat", async (WorkerHeartbeat beat, WorkerRegistry registry, RemoteJobFlow flow, RemoteRunFlow runs, FleetModels models,
            CancellationToken cancellationToken) =>
        {
            if (registry.Seen(beat.Name, beat.Session, beat.State, beat.Job, setJob: true) is not { } worker)
                return Forgotten();
            worker.Run = beat.Run;
            flow.ModelError(worker, beat.Error);
            var lost = beat.Job is { } job && !await flow.HoldsAsync(worker, job, cancellationToken);
            var runLost = await runs.LostAsync(worker, beat.Run, cancellationToken);
            return Results.Ok(new HeartbeatReply(lost, registry.IsPaused(worker.Name), models.Order, worker.Training, runLost, worker.Evaluation));
        });

        group.MapPost("/goodbye", (WorkerGoodbye bye, WorkerRegistry registry) =>
        {
            registry.Goodbye(bye.Name, bye.Session);
            return Results.NoContent();
        });

        group.MapPost("/jobs/{id:guid}/start", async (Guid id, JobClaim claim, WorkerRegistry registry, RemoteJobFlow flow, CancellationToken cancellationToken) =>
            registry.Seen(claim.Name, claim.Session) is { } worker ? Results.Ok(await flow.ClaimAsync(worker, id, claim, cancellationToken)) : Forgotten());

        group.MapGet("/jobs/{id:guid}/audio", (Guid id, [FromQuery] string name, [FromQuery] string session, WorkerRegistry registry, RemoteJobFlow flow,
            CancellationToken cancellationToken) => InputAsync(registry, flow, id, name, session, "audio", null, "audio/wav", cancellationToken));

        group.MapGet("/jobs/{id:guid}/init-image", (Guid id, [FromQuery] string name, [FromQuery] string session, WorkerRegistry registry,
            RemoteJobFlow flow, CancellationToken cancellationToken) =>
            InputAsync(registry, flow, id, name, session, "init-image", null, "image/png", cancellationToken));

        group.MapGet("/jobs/{id:guid}/loras/{lora}", (Guid id, string lora, [FromQuery] string name, [FromQuery] string session, WorkerRegistry registry,
            RemoteJobFlow flow, CancellationToken cancellationToken) =>
            InputAsync(registry, flow, id, name, session, "lora", lora, "application/octet-stream", cancellationToken));

        group.MapPost("/jobs/{id:guid}/progress", async (Guid id, WorkerProgress progress, WorkerRegistry registry, RemoteJobFlow flow,
            CancellationToken cancellationToken) =>
        {
            if (registry.Seen(progress.Name, progress.Session) is not { } worker)
                return Forgotten();
            await flow.ProgressAsync(worker, id, progress, cancellationToken);
            return Results.NoContent();
        });

        group.MapPost("/jobs/{id:guid}/result", async (Guid id, WorkerResult result, WorkerRegistry registry, RemoteJobFlow flow) =>
            registry.Seen(result.Name, result.Session) is { } worker ? Results.Ok(await flow.ResultAsync(worker, id, result)) : Forgotten())
            .WithMetadata(new RequestSizeLimitAttribute(MaxResultBytes));

        group.MapPost("/jobs/{id:guid}/release", async (Guid id, JobHandBack handBack, WorkerRegistry registry, RemoteJobFlow flow,
            CancellationToken cancellationToken) =>
        {
            if (registry.Seen(handBack.Name, handBack.Session) is not { } worker)
                return Forgotten();
            return await flow.HandBackAsync(worker, id, handBack, cancellationToken)
                ? Results.NoContent()
                : Results.Problem("The attempt no longer holds the job.", statusCode: StatusCodes.Status409Conflict);
        });

        group.MapPost("/runs/{id:guid}/report", async (Guid id, WorkerRunReport report, WorkerRegistry registry, RemoteRunFlow runs,
            CancellationToken cancellationToken) =>
            registry.Seen(report.Name, report.Session) is { } worker ? Results.Ok(await runs.ReportAsync(worker, id, report, cancellationToken)) : Forgotten())
            .WithMetadata(new RequestSizeLimitAttribute(MaxResultBytes));

        group.MapPost("/runs/{id:guid}/result", async (Guid id, WorkerRunResult result, WorkerRegistry registry, RemoteRunFlow runs) =>
            registry.Seen(result.Name, result.Session) is { } worker ? Results.Ok(await runs.ResultAsync(worker, id, result)) : Forgotten());
        return app;
    }

    private static async Task<IResult> InputAsync(WorkerRegistry registry, RemoteJobFlow flow, Guid id, string name, string session, string input,
        string? lora, string mediaType, CancellationToken cancellationToken)
    {
        if (registry.Seen(name, session) is not { } worker)
            return Forgotten();
        var path = await flow.InputPathAsync(worker, id, input, lora, cancellationToken);
        return path is not null && File.Exists(path)
            ? Results.File(path, mediaType)
            : Results.Problem($"No {input} for this worker: it does not hold the job, or the job has none.", statusCode: StatusCodes.Status404NotFound);
    }

    // 410: the front end does not know this worker's session (it restarted, or another process took the name); say hello again.
    private static IResult Forgotten() =>
        Results.Problem("This front end does not know the worker's session: say hello again.", statusCode: StatusCodes.Status410Gone);
}
