using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Jobs;

namespace Clap2Diffusion.Server.Engine;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// The job queue, its worker, the engine thread and the diffusion backend (the pipeline with CLAP and the V4
    /// adapters; the embedded demo model unless "Engine" names other folders).
    /// </summary>
    public static IServiceCollection AddEngine(this IServiceCollection services)
    {
        services.AddOptions<EngineModelOptions>().BindConfiguration(EngineModelOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IGenerationBackend, EngineGenerationBackend>();
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
