using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Clap2Diffusion.Server.Accounts;

/// <summary>
/// Every visitor is "authenticated" by the anonymous client id, so ASP.NET Core would answer an admin page
/// with 403 even for someone who has not signed in. This sends those visitors to sign in instead; a
/// signed-in account without the Admin role still gets 403.
/// </summary>
public sealed class AdminAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && AdminClaims.SignedIn(context.User) is null)
            return context.ChallengeAsync(AdminClaims.Scheme);
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
