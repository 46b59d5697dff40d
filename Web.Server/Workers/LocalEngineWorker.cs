using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Runs;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// Hybrid mode's own engine worker: the same <see cref="WorkerHost"/> as <c>serve</c>, run on a thread of the web
/// process and calling this front end on a loopback address, so a GPU box that serves the studio also takes its share
/// of the queue beside its neighbours, with the same leases, fencing and routing and no second code path.
/// </summary>
public sealed class LocalEngineWorker(IOptions<EngineServiceOptions> mode, IOptions<RedisOptions> redis, IOptions<EngineModelOptions> engine,
    RunPaths runs, StoragePaths storage, IServer server, IHostApplicationLifetime lifetime, ILogger<LocalEngineWorker> logger) : IHostedService
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);

    private WorkerHost? _host;
    private Thread? _thread;

    public static string WorkerName => $"{Environment.MachineName.ToLowerInvariant()}-web";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (mode.Value.IsHybrid)
            // The front end must answer before its worker says hello.
            lifetime.ApplicationStarted.Register(Start);
        return Task.CompletedTask;
    }

    private void Start()
    {
        var address = LoopbackAddress();
        if (address is null)
        {
            logger.LogError("Hybrid mode: the web process listens on no http address its own worker could call; it runs no worker");
            return;
        }

        var settings = engine.Value;
        var options = new ServeOptions(redis.Value.Configuration!, address, WorkerKeys.Read(mode.Value.WorkerKeyFile!, "Engine:WorkerKeyFile"), WorkerName,
            string.IsNullOrWhiteSpace(settings.ModelFolder) ? null : settings.ModelFolder, settings.Device, settings.Threads, Drain,
            string.IsNullOrWhiteSpace(settings.ClapFolder) ? null : settings.ClapFolder,
            string.IsNullOrWhiteSpace(settings.AdaptersFolder) ? null : AdapterSets.Resolve(settings.AdaptersFolder))
        {
            // It shares the front end's disk (data folder, runs folder, dataset roots), so training and evaluation runs go to it too.
            SharedRoots = [Path.GetFullPath(storage.DataFolder), runs.OutputFolder, .. runs.DatasetRoots],
        };
        _host = new WorkerHost(options, new LogLineWriter(logger));
        _thread = new Thread(() => RunWorker(_host)) { Name = "hybrid engine worker", IsBackground = true };
        _thread.Start();
        logger.LogInformation("Hybrid mode: engine worker {Worker} runs in this process, calling {Address}", WorkerName, address);
    }

    private void RunWorker(WorkerHost host)
    {
        try
        {
            host.Run();
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Hybrid mode: this process's engine worker stopped: {Message}", exception.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_host is null || _thread is null)
            return Task.CompletedTask;
        _host.RequestStop();
        // The drain time for its job, then the hand-back and goodbye calls.
        _thread.Join(Drain + TimeSpan.FromSeconds(10));
        return Task.CompletedTask;
    }

    /// <summary>An http address of this server a local client can call: a wildcard host becomes 127.0.0.1.</summary>
    private Uri? LoopbackAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var text in addresses.OrderBy(a => a.StartsWith("https", StringComparison.OrdinalIgnoreCase)))
        {
            var wildcard = text.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(wildcard, UriKind.Absolute, out var uri))
                continue;
            var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : uri.Host;
            return new UriBuilder(uri.Scheme, host, uri.Port).Uri;
        }

        return null;
    }
}
