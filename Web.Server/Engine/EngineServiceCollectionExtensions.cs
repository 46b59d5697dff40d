using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Jobs;

namespace Clap2Diffusion.Server.Engine;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// The job queue, its worker and the engine thread. The diffusion backend itself is registered here as
    /// <c>services.AddSingleton&lt;IGenerationBackend, …&gt;()</c>; until one is, the app runs, reports the engine
    /// as unavailable on its pages and on <c>/health</c>, and refuses submissions.
    /// </summary>
    public static IServiceCollection AddEngine(this IServiceCollection services)
    {
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EngineState>();
        services.AddSingleton<EngineThread>();
        services.AddSingleton<JobEventBus>();
        services.AddSingleton<IJobEvents>(provider => provider.GetRequiredService<JobEventBus>());
        services.AddSingleton<ProgressBoard>();
        services.AddSingleton<RunningJobs>();
        services.AddSingleton<QueueSignal>();
        services.AddSingleton<SubmissionLimits>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<IJobQueue>(provider => provider.GetRequiredService<JobQueue>());
        services.AddHostedService<EngineWorker>();
        return services;
    }
}
