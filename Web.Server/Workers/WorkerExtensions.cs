using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Startup;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

public static class WorkerExtensions
{
    /// <summary>
    /// Engine workers (<c>Engine:Mode remote</c>): the registry of live workers, the dispatcher that releases jobs to
    /// the Redis stream, and the flow behind <c>/api/worker/*</c>. In in-process mode the dispatcher returns at once and
    /// nothing connects to Redis.
    /// </summary>
    public static IServiceCollection AddEngineWorkers(this IServiceCollection services)
    {
        services.AddSectionOptions<EngineServiceOptions>(EngineServiceOptions.Section);
        services.AddSectionOptions<RedisOptions>(RedisOptions.Section);
        services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WorkerRegistry>();
        services.AddSingleton<WorkRedis>();
        services.AddSingleton<DispatchStore>();
        services.AddSingleton<FleetModels>();
        services.AddSingleton<RemoteWorkerSettings>();
        services.AddSingleton<RemoteJobFlow>();
        services.AddSingleton<RemoteSkips>();
        services.AddSingleton<WorkerAvailability>();
        services.AddSingleton<WorkerKeyFilter>();
        services.AddSingleton<WorkerConsole>();
        services.AddSingleton<IWorkerConsole>(provider => provider.GetRequiredService<WorkerConsole>());
        services.AddHostedService<JobDispatcher>();
        services.AddHostedService<LocalEngineWorker>();
        services.AddSingleton<RemoteRunFlow>();
        services.AddSingleton<ShardBook>();
        services.AddSingleton<ShardedEvaluations>();
        services.AddHostedService<RunAssigner>();
        return services;
    }
}
