using Clap2Diffusion.Engine.Serving;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// Guards <c>/api/worker/*</c>: only remote mode has them, and only a caller presenting the workers' key
/// (<c>Authorization: Bearer KEY</c>) reaches them.
/// </summary>
public sealed class WorkerKeyFilter(IOptions<EngineServiceOptions> options) : IEndpointFilter
{
    private readonly Lazy<string?> _key = new(() => options.Value.UsesWorkers ? WorkerKeys.Read(options.Value.WorkerKeyFile!, "Engine:WorkerKeyFile") : null);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_key.Value is not { } key)
            return Results.Problem("This server runs its engine in-process (Engine:Mode inprocess): it takes no engine workers.",
                statusCode: StatusCodes.Status404NotFound);
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
        if (!WorkerKeys.Matches(key, presented))
            return Results.Problem("The worker key is missing or wrong.", statusCode: StatusCodes.Status401Unauthorized);
        return await next(context);
    }
}
