using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Identity;

/// <summary>
/// Turns the client id (header, cookie, or the one just issued) into the request's user, so pages, the API
/// and the hub read ownership from one place: the <see cref="ClientIds.ClaimType"/> claim. Sign-in for the
/// admin role will add its own scheme beside this one.
/// </summary>
public sealed class ClientIdAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var id = Request.Headers[ClientIds.HeaderName].FirstOrDefault() is { } header && ClientIds.IsValid(header)
            ? header
            : ClientIds.IsValid(Request.Cookies[ClientIds.CookieName])
                ? Request.Cookies[ClientIds.CookieName]
                : Context.Items[ClientIds.IssuedItem] as string;
        if (id is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        var identity = new ClaimsIdentity([new Claim(ClientIds.ClaimType, id)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}
