using System.Net;
using Clap2Diffusion.Server.Startup;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Network;

public static class NetworkExtensions
{
    /// <summary>The client address (forwarded only by known proxies), its exemptions, and the per-address limits.</summary>
    public static IServiceCollection AddNetwork(this IServiceCollection services)
    {
        services.AddSectionOptions<NetworkOptions>(NetworkOptions.Section);
        services.AddSingleton<ClientNetwork>();
        services.AddSingleton<ClientAddresses>();
        services.AddSingleton<ClientIdIssuance>();
        services.AddAddressLimits();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<NetworkOptions>>((forwarded, network) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults trust loopback; a server reached only through its own proxy must name it, and one reached
            // directly must believe no header at all.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in network.Value.KnownProxies)
            {
                if (IPAddress.TryParse(proxy, out var address))
                    forwarded.KnownProxies.Add(address);
                else
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
            }
        });
        // Every cookie is Secure when the public scheme is https, which behind a proxy only its X-Forwarded-Proto tells.
        services.Configure<CookiePolicyOptions>(cookies => cookies.Secure = CookieSecurePolicy.SameAsRequest);
        services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromDays(365));
        return services;
    }

    /// <summary>
    /// First in the pipeline: the client address and scheme from a known proxy's headers, then HSTS and Secure
    /// cookies for requests whose public scheme is https (a browser ignores HSTS over http, and localhost is left out).
    /// </summary>
    public static IApplicationBuilder UseNetwork(this IApplicationBuilder app)
    {
        // With no proxy listed the middleware would believe every sender's headers, so it is left out altogether.
        var network = app.ApplicationServices.GetRequiredService<IOptions<NetworkOptions>>().Value;
        if (network.KnownProxies.Length > 0)
            app.UseForwardedHeaders();
        return app.UseHsts().UseCookiePolicy();
    }
}
