using Clap2Diffusion.Server.Identity;

namespace Clap2Diffusion.Server.Api;

/// <summary>
/// State-changing API calls must carry a header no cross-site form can send: <c>X-Client-Id</c> (scripts) or
/// <c>X-Requested-With</c> (the studio's own scripts, which use the cookie). This keeps another site from
/// making a visitor's browser submit jobs or delete items with the visitor's cookie. Either way the id must be one
/// the client holds: an id made up for this request alone would let every call start afresh.
/// </summary>
public sealed class ExplicitClientFilter : IEndpointFilter
{
    public const string PageHeader = "X-Requested-With";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!request.Headers.ContainsKey(ClientIds.HeaderName) && !request.Headers.ContainsKey(PageHeader))
            return ValueTask.FromResult<object?>(ApiResults.Problem(StatusCodes.Status400BadRequest, "Client id header missing",
                [$"Send an {ClientIds.HeaderName} header to own the jobs and uploads you make.", ClientIdMiddleware.HowToGetOne]));
        if (!ClientIds.Holds(context.HttpContext.User))
            return ValueTask.FromResult<object?>(ApiResults.Problem(StatusCodes.Status401Unauthorized, "No client id",
                ["This call needs a client id.", ClientIdMiddleware.HowToGetOne]));
        return next(context);
    }
}
