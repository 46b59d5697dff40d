namespace Clap2Diffusion.Server.Identity;

/// <summary>
/// Gives every browser an id on its first HTTP request, in the <c>c2d-client</c> cookie. A Blazor circuit
/// cannot set cookies, so this must happen on the page request before the circuit starts. Callers that send
/// <c>X-Client-Id</c> (scripts, hub clients) are left alone; a malformed header is refused.
/// </summary>
public sealed class ClientIdMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Headers.TryGetValue(ClientIds.HeaderName, out var header))
        {
            if (!ClientIds.IsValid(header))
                return Results.Problem(
                    $"{ClientIds.HeaderName} must be 8 to 64 letters, digits, '-' or '_'.",
                    statusCode: StatusCodes.Status400BadRequest, title: "Bad client id").ExecuteAsync(context);
            return next(context);
        }

        if (!ClientIds.IsValid(context.Request.Cookies[ClientIds.CookieName]))
        {
            var id = ClientIds.NewId();
            context.Items[ClientIds.IssuedItem] = id;
            context.Response.Cookies.Append(ClientIds.CookieName, id, new CookieOptions
            {
                HttpOnly = true,
                IsEssential = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(400),
                Path = "/",
            });
        }

        return next(context);
    }
}
