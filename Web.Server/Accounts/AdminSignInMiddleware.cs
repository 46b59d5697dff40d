using Microsoft.AspNetCore.Authentication;

namespace Clap2Diffusion.Server.Accounts;

/// <summary>
/// Adds the admin sign-in (when the request has one) to the user the client-id scheme made, so one principal
/// carries both the anonymous client id and the account. This has to happen for every request, the Blazor
/// circuit's included: a circuit takes its user from the request that opens it.
/// </summary>
public sealed class AdminSignInMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(AdminClaims.Scheme);
        if (result is { Succeeded: true, Principal: { } principal } && AdminClaims.SignedIn(context.User) is null)
            context.User.AddIdentities(principal.Identities.Where(i => i.IsAuthenticated));
        await next(context);
    }
}
