using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Clap2Diffusion.Server.Identity;

public static class IdentityExtensions
{
    public static IServiceCollection AddClientIdentity(this IServiceCollection services)
    {
        // The key ring signs client ids and the admin cookie; kept in the data folder, both survive a restart and
        // go into a backup with the data they belong to.
        services.AddDataProtection().SetApplicationName("Clap2Diffusion");
        services.AddOptions<KeyManagementOptions>().Configure<StoragePaths, ILoggerFactory>((keys, paths, logs) =>
            keys.XmlRepository = new FileSystemXmlRepository(Directory.CreateDirectory(paths.KeysFolder), logs));
        services.AddSingleton<ClientIdSigner>();
        services.AddAuthentication(ClientIds.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ClientIdAuthenticationHandler>(ClientIds.Scheme, null);
        services.AddScoped<ICurrentClient, CircuitCurrentClient>();
        return services;
    }

    /// <summary>Reads (or issues) the client id, then authenticates every request with it.</summary>
    public static IApplicationBuilder UseClientIdentity(this IApplicationBuilder app) =>
        app.UseMiddleware<ClientIdMiddleware>().UseAuthentication();

    /// <summary>The caller's id; the pipeline guarantees one, since the middleware refuses or issues when there is none.</summary>
    public static string ClientId(this HttpContext context) =>
        ClientIds.Of(context.User) ?? throw new InvalidOperationException("The client id middleware did not run for this request.");
}
