using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Accounts;
using Clap2Diffusion.Server.Api;

namespace Clap2Diffusion.Server.Workers;

/// <summary>For admins and scripts: <c>/api/admin/workers</c> lists the fleet; drain and resume a worker by name.</summary>
public static class AdminWorkerEndpoints
{
    public static IEndpointRouteBuilder MapAdminWorkerEndpoints(this IEndpointRouteBuilder app)
    {
        var workers = app.MapGroup("/api/admin/workers").RequireAuthorization(AdminClaims.Policy).WithTags("Admin");

        workers.MapGet("", (IWorkerConsole console) => console.Fleet())
            .WithName("ListWorkers").WithSummary("Every engine worker heard from, with its model set, state, job and counts.");

        workers.MapPost("/{name}/drain", (string name, IWorkerConsole console) => Answer(console.Drain(name), name))
            .WithName("DrainWorker").WithSummary("The worker finishes its job and takes no new work until resumed.")
            .AddEndpointFilter<ExplicitClientFilter>();

        workers.MapPost("/{name}/resume", (string name, IWorkerConsole console) => Answer(console.Resume(name), name))
            .WithName("ResumeWorker").WithSummary("A drained worker takes work again.")
            .AddEndpointFilter<ExplicitClientFilter>();
        return app;
    }

    private static IResult Answer(bool known, string name) =>
        known ? Results.NoContent() : ApiResults.Problem(StatusCodes.Status404NotFound, "No such worker", [$"No engine worker named '{name}' was seen."]);
}
