using System.Net;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Identity;
using Clap2Diffusion.Server.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>
/// The real app on a real SQLite file in <paramref name="dataFolder"/>, with the test backend in place of the
/// engine's generation backend (or, with none, the engine's own). Dispose it and build another on the same folder
/// to restart.
/// </summary>
public sealed class StudioFactory(string dataFolder, TestGenerationBackend? backend, IDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public TestLogs Logs { get; } = new();

    public string DataFolder => dataFolder;

    /// <summary>More test doubles in place of the engine's (training, evaluation, models), registered like the backend.</summary>
    public Action<IServiceCollection>? EngineDoubles { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration((_, configuration) =>
        {
            var values = new Dictionary<string, string?>
            {
                ["Storage:DataFolder"] = dataFolder,
                ["Queue:PreviewInterval"] = "00:00:00",
                ["Queue:SubmissionsPerWindow"] = "1000",
                ["Queue:MaxActivePerClient"] = "100",
                // A test's own jobs only: an engine-backed factory on a model with the demo vocabulary would otherwise
                // queue the nine showcase pairs beside them. The tests of the examples turn this back on.
                ["Studio:SeedExamples"] = "false",
                // Tests make many requests from one machine, as the load test does; the tests of the per-address
                // limits put back limits with NoExemptions.
                ["Network:ExemptNetworks:0"] = "127.0.0.0/8",
                ["Network:ExemptNetworks:1"] = "::1/128",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
                values[key] = value;
            configuration.AddInMemoryCollection(values);
        });
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Logs);
        });
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStartupFilter, LoopbackTestServerAddress>();
            if (backend is not null)
                services.AddSingleton<IGenerationBackend>(backend);
            EngineDoubles?.Invoke(services);
        });
    }

    /// <summary>
    /// Settings that exempt no network a test connects from (192.0.2.0/24 is reserved for documentation), so the
    /// per-address limits apply to the test's requests.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> NoExemptions =>
    [
        new("Network:ExemptNetworks:0", "192.0.2.0/24"),
        new("Network:ExemptNetworks:1", "192.0.2.0/24"),
    ];

    /// <summary>
    /// A client that identifies itself with <c>X-Client-Id</c>, as scripts do, with the server's own signature on
    /// <paramref name="clientId"/>, so tests can name owners; scripts get theirs from <c>POST /api/clients</c>.
    /// </summary>
    public HttpClient ClientFor(string clientId)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = ClientOptions.BaseAddress });
        client.DefaultRequestHeaders.Add("X-Client-Id", SignedId(clientId));
        return client;
    }

    /// <summary>The token that carries <paramref name="clientId"/>, signed by this server.</summary>
    public string SignedId(string clientId) => Get<ClientIdSigner>().Sign(clientId);

    /// <summary>Serves the app with Kestrel on a free loopback port, for a real browser; clients then talk to it there.</summary>
    public StudioFactory ServeOverKestrel()
    {
        UseKestrel(0);
        StartServer();
        ClientOptions.BaseAddress = KestrelAddress;
        return this;
    }

    /// <summary>The Kestrel address once <see cref="ServeOverKestrel"/> has started the server.</summary>
    public Uri KestrelAddress =>
        new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");

    public async Task<StudioFactory> ReadyAsync()
    {
        using var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = ClientOptions.BaseAddress });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync("/health");
            if (response.StatusCode == HttpStatusCode.OK)
                return this;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The test server never became ready: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(50);
        }
    }

    public async Task<T> DbAsync<T>(Func<StudioDbContext, Task<T>> query)
    {
        var contexts = Services.GetRequiredService<IDbContextFactory<StudioDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        return await query(db);
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
}

public static class StudioFactoryExtensions
{
    /// <summary>Waits until a factory whose backend cannot start has migrated and given up on the engine.</summary>
    public static async Task<StudioFactory> ReadyEngineLessAsync(this StudioFactory factory)
    {
        var state = factory.Get<EngineState>();
        await StudioApi.WaitUntilAsync(() => state.DatabaseReady && state.Status.Problem?.Contains("could not start") == true,
            "the app reports that its engine could not start");
        return factory;
    }
}
