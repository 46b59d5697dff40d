using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Identity;

/// <summary>
/// Turns the client id the middleware read (or issued) into the request's user, so pages, the API and the hub read
/// ownership from one place: the <see cref="ClientIds.ClaimType"/> claim. An id made up for one request carries no
/// <see cref="ClientIds.HeldClaimType"/> claim.
/// </summary>
public sealed class ClientIdAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.Items[ClientIds.IdentityItem] is not ClientIdentity client)
            return Task.FromResult(AuthenticateResult.NoResult());
        List<Claim> claims = [new(ClientIds.ClaimType, client.Id)];
        if (client.Held)
            claims.Add(new Claim(ClientIds.HeldClaimType, "true"));
        var identity = new ClaimsIdentity(claims, Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}
