using Clap2Diffusion.Server.Network;

namespace Clap2Diffusion.Server.Identity;

/// <summary>
/// Reads the request's client id, which must be one this server issued (<see cref="ClientIdSigner"/>): from
/// <c>X-Client-Id</c> (scripts, hub clients) or the <c>c2d-client</c> cookie (browsers). A forged or unsigned id is
/// refused with 401 and how to get one. A browser without a valid cookie is given one on any request outside the
/// API (and health checks), within the per-address budget of new ids; a Blazor circuit cannot set cookies, so this has to happen on the
/// page request before the circuit starts. An API call with no id gets one for that request only.
/// </summary>
public sealed class ClientIdMiddleware(RequestDelegate next, ClientIdSigner signer, ClientIdIssuance issuance, ClientNetwork network,
    ClientAddresses addresses)
{
    public const string HowToGetOne =
        $"Ask for an id with POST /api/clients and send the 'clientId' it returns, unchanged, as the {ClientIds.HeaderName} header; " +
        "a browser gets one in its cookie by reloading the page.";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Headers.TryGetValue(ClientIds.HeaderName, out var header))
        {
            if (signer.Read(header.ToString()) is not { } id)
            {
                await RefuseAsync(context, $"This {ClientIds.HeaderName} was not issued by this server.");
                return;
            }

            context.Items[ClientIds.IdentityItem] = new ClientIdentity(id, Held: true);
            Remember(context);
            await next(context);
            return;
        }

        var cookie = context.Request.Cookies[ClientIds.CookieName];
        if (signer.Read(cookie) is { } held)
            context.Items[ClientIds.IdentityItem] = new ClientIdentity(held, Held: true);
        else if (IsApi(context.Request.Path))
        {
            if (cookie is not null)
            {
                await RefuseAsync(context, $"The {ClientIds.CookieName} cookie was not issued by this server.");
                return;
            }

            context.Items[ClientIds.IdentityItem] = new ClientIdentity(ClientIds.NewId(), Held: false);
        }
        else if (!await TryIssueCookieAsync(context))
            return;

        Remember(context);
        await next(context);
    }

    // The address an id is seen from, for the submissions the studio makes over its circuit (no HTTP limiter sees them).
    private void Remember(HttpContext context)
    {
        if (context.Items[ClientIds.IdentityItem] is ClientIdentity { Held: true } client)
            addresses.Saw(client.Id, network.PartitionOf(context));
    }

    private async Task<bool> TryIssueCookieAsync(HttpContext context)
    {
        using var lease = issuance.Acquire(context);
        if (!lease.IsAcquired)
        {
            await AddressLimits.RejectAsync(context, lease, context.RequestAborted,
                "Too many new visitors came from your network address in a short time: this browser could not be given its id.");
            return false;
        }

        var (id, token) = signer.Issue();
        context.Items[ClientIds.IdentityItem] = new ClientIdentity(id, Held: true);
        context.Response.Cookies.Append(ClientIds.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(400),
            Path = "/",
        });
        return true;
    }

    /// <summary>Calls made by scripts and monitors, not by a browser showing a page: they get no cookie.</summary>
    private static bool IsApi(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi");

    private static Task RefuseAsync(HttpContext context, string why) =>
        Results.Problem($"{why} {HowToGetOne}", statusCode: StatusCodes.Status401Unauthorized, title: "Unknown client id",
            extensions: new Dictionary<string, object?> { ["errors"] = new[] { why, HowToGetOne } }).ExecuteAsync(context);
}
