using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Soak;

/// <summary>
/// The studio as its own <c>Program</c> builds it (every service, the real engine on the embedded demo model),
/// served by Kestrel on a free loopback port of this process, with its data in <paramref name="dataFolder"/>.
/// Only the queue's per-client limits are raised, so that a few simulated users can queue a hundred jobs, and the
/// gallery is not seeded with examples, so that every job the server runs is the soak's.
/// </summary>
public sealed class SoakServer(string dataFolder, int threads, int jobsPerUser) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataFolder"] = dataFolder,
            ["Engine:Device"] = "cpu",
            ["Engine:Threads"] = threads.ToString(CultureInfo.InvariantCulture),
            ["Queue:MaxActivePerClient"] = jobsPerUser.ToString(CultureInfo.InvariantCulture),
            ["Queue:SubmissionsPerWindow"] = "1000",
            // The showcase examples would be seeded only when they win a race with the first submission, and then
            // run between the soak's jobs: the phase would count their ends as its own (5 units of 4, once in a while).
            ["Studio:SeedExamples"] = "false",
            // A line per upload and per job would bury the soak's own figures; problems still show.
            ["Logging:LogLevel:Default"] = "Warning",
        }));
    }

    /// <summary>Starts Kestrel and returns the address clients reach it at.</summary>
    public Uri Serve()
    {
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
    }
}
