using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>
/// The in-memory test server gives requests no remote address; this gives them loopback's, as Kestrel would for a
/// client on the same machine, so the per-address limits see what they see in the load test.
/// </summary>
public sealed class LoopbackTestServerAddress : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress ??= IPAddress.Loopback;
            return nextMiddleware(context);
        });
        next(app);
    };
}
