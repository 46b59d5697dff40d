using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Jobs;

namespace Clap2Diffusion.Server.Engine;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// The job queue, its worker, the engine thread and the engine behind every seam: the diffusion backend (the
    /// pipeline with CLAP and the V4 adapters; the embedded demo model unless "Engine" names other folders), the
    /// trainer, the evaluation run and the model folders, all on the models <see cref="ActiveModels"/> holds.
    /// </summary>
    public static IServiceCollection AddEngine(this IServiceCollection services)
    {
        services.AddOptions<EngineModelOptions>().BindConfiguration(EngineModelOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SafetyOptions>().BindConfiguration(SafetyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EvaluationOptions>().BindConfiguration(EvaluationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ActiveModels>();
        services.AddSingleton<IGenerationBackend, EngineGenerationBackend>();
        services.AddSingleton<ITrainingBackend, EngineTrainingBackend>();
        services.AddSingleton<IEvaluationBackend, EngineEvaluationBackend>();
        services.AddSingleton<IModelManager, EngineModelManager>();
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
