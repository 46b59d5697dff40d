using Clap2Diffusion.Server.Identity;

namespace Clap2Diffusion.Server.Api;

/// <summary>
/// State-changing API calls must carry a header no cross-site form can send: <c>X-Client-Id</c> (scripts) or
/// <c>X-Requested-With</c> (the studio's own scripts, which use the cookie). This keeps another site from
/// making a visitor's browser submit jobs or delete items with the visitor's cookie.
/// </summary>
public sealed class ExplicitClientFilter : IEndpointFilter
{
    public const string PageHeader = "X-Requested-With";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Request.Headers;
        if (headers.ContainsKey(ClientIds.HeaderName) || headers.ContainsKey(PageHeader))
            return next(context);
        return ValueTask.FromResult<object?>(ApiResults.Problem(StatusCodes.Status400BadRequest, "Client id header missing",
            [$"Send an {ClientIds.HeaderName} header (8 to 64 letters, digits, '-' or '_') to own the jobs and uploads you make."]));
    }
}
