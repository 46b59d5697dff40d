using Clap2Diffusion.Client.Contracts;
using Microsoft.AspNetCore.Authentication;

namespace Clap2Diffusion.Server.Identity;

public static class IdentityExtensions
{
    public static IServiceCollection AddClientIdentity(this IServiceCollection services)
    {
        services.AddAuthentication(ClientIds.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ClientIdAuthenticationHandler>(ClientIds.Scheme, null);
        services.AddScoped<ICurrentClient, CircuitCurrentClient>();
        return services;
    }

    /// <summary>Issues the id cookie, then authenticates every request with it.</summary>
    public static IApplicationBuilder UseClientIdentity(this IApplicationBuilder app) =>
        app.UseMiddleware<ClientIdMiddleware>().UseAuthentication();

    /// <summary>The caller's id; the pipeline guarantees one, since the middleware issues it when missing.</summary>
    public static string ClientId(this HttpContext context) =>
        ClientIds.Of(context.User) ?? throw new InvalidOperationException("The client id middleware did not run for this request.");
}
