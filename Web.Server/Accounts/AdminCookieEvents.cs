using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Clap2Diffusion.Server.Accounts;

/// <summary>
/// Pages redirect to sign-in; API calls get 401 instead of a redirect. A signed-in account without the Admin
/// role gets a plain 403 page. Every request re-reads the account, so a deleted account, a lost role or a
/// sign-out elsewhere (<see cref="AdminSessions"/>) takes effect at once rather than when the cookie expires.
/// </summary>
public sealed class AdminCookieEvents : CookieAuthenticationEvents
{
    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        return base.RedirectToLogin(context);
    }

    public override async Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        if (context.Request.Path.StartsWithSegments("/api"))
            return;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not allowed · Clap2Diffusion</title></head><body>" +
            "<h1>Not allowed</h1><p>You are signed in, but this page is for administrators only.</p><p><a href=\"/\">Back to the studio</a></p>" +
            "</body></html>");
    }

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<AdminSessions>();
        if (context.Principal?.Identity is not System.Security.Claims.ClaimsIdentity signedIn ||
            !await sessions.IsValidAsync(signedIn, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AdminClaims.Scheme);
        }
    }
}
