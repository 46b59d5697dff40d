using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Identity;
using Clap2Diffusion.Server.Startup;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Clap2Diffusion.Server.Network;

namespace Clap2Diffusion.Server.Accounts;

public static class AccountExtensions
{
    /// <summary>
    /// The admin sign-in: a cookie scheme beside the anonymous client id, the Admin policy, the first-admin
    /// seeder and the accounts service. Call after <c>AddClientIdentity()</c> and <c>AddPersistence()</c>.
    /// </summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddSectionOptions<AccountOptions>(AccountOptions.Section);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<AdminSessions>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<IAccountAdmin>(provider => provider.GetRequiredService<AccountStore>());
        services.AddScoped<IAccountSignIn, AccountSignIn>();
        services.AddHostedService<AdminSeeder>();
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = ClientIds.Scheme;
                options.DefaultChallengeScheme = AdminClaims.Scheme;
                options.DefaultForbidScheme = AdminClaims.Scheme;
            })
            .AddCookie(AdminClaims.Scheme, options =>
            {
                options.Cookie.Name = AdminClaims.CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = AdminClaims.LoginPath;
                options.LogoutPath = AdminClaims.LogoutPath;
                options.SlidingExpiration = true;
                options.Events = new AdminCookieEvents();
            });
        services.AddOptions<CookieAuthenticationOptions>(AdminClaims.Scheme).Configure<Microsoft.Extensions.Options.IOptions<AccountOptions>>(
            (cookie, accounts) => cookie.ExpireTimeSpan = accounts.Value.SessionLifetime);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminClaims.Policy, policy => policy.RequireAuthenticatedUser().RequireRole(AdminClaims.Role));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AdminAuthorizationResultHandler>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, AdminRevalidation>();
        return services;
    }

    /// <summary>Adds the admin sign-in to each request's user, then authorizes. Call after <c>UseClientIdentity()</c>.</summary>
    public static IApplicationBuilder UseAccounts(this IApplicationBuilder app) =>
        app.UseMiddleware<AdminSignInMiddleware>().UseAuthorization();

    /// <summary>
    /// Sign-out: a form post with an antiforgery token, so another site cannot sign an admin out. It ends the session
    /// on the server too, so a copy of the cookie stops working.
    /// </summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(AdminClaims.LogoutPath, async (HttpContext context, [FromForm] string? returnUrl) =>
            {
                if (AdminClaims.SignedIn(context.User) is { } signedIn && AdminClaims.AccountId(signedIn) is { } accountId)
                    await context.RequestServices.GetRequiredService<AdminSessions>().EndAsync(accountId, context.RequestAborted);
                await context.SignOutAsync(AdminClaims.Scheme);
                return Results.LocalRedirect(returnUrl is { Length: > 0 } url && IsLocal(url) ? url : "/");
            })
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Puts the per-address sign-in limit on the sign-in page among the app's component endpoints (its posted form only).</summary>
    public static TBuilder LimitSignIns<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } raw } &&
                string.Equals(raw.TrimStart('/'), AdminClaims.LoginPath.TrimStart('/'), StringComparison.OrdinalIgnoreCase))
            {
                endpoint.Metadata.Add(new EnableRateLimitingAttribute(AddressLimits.SignIns));
                endpoint.Metadata.Add(new AddressLimitMessage("Too many sign-in attempts came from your network address in a short time."));
            }
        });
        return builder;
    }

    internal static bool IsLocal(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
