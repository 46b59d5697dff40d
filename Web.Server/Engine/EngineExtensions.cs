using Clap2Diffusion.Server.Startup;

namespace Clap2Diffusion.Server.Engine;

public static class EngineExtensions
{
    /// <summary>
    /// The engine behind the seams: the diffusion backend (the pipeline with CLAP and the V4 adapters; the
    /// embedded demo model unless "Engine" names other folders), the trainer and the evaluation run, all on the
    /// models <see cref="ActiveModels"/> holds; the engine thread they share, and the worker that feeds it jobs
    /// and runs.
    /// </summary>
    public static IServiceCollection AddEngine(this IServiceCollection services)
    {
        services.AddSectionOptions<EngineModelOptions>(EngineModelOptions.Section);
        services.AddSectionOptions<SafetyOptions>(SafetyOptions.Section);
        services.AddSectionOptions<EvaluationOptions>(EvaluationOptions.Section);
        services.AddSectionOptions<CompositionOptions>(CompositionOptions.Section);
        services.AddSingleton<ActiveModels>();
        services.AddSingleton<RunTimeModel>();
        services.AddSingleton<IGenerationBackend, EngineGenerationBackend>();
        services.AddSingleton<EngineTrainingBackend>();
        services.AddSingleton<ITrainingBackend>(provider => provider.GetRequiredService<EngineTrainingBackend>());
        services.AddSingleton<IEvaluationBackend, EngineEvaluationBackend>();
        services.AddSingleton<EngineState>();
        services.AddSingleton<EngineThread>();
        services.AddHostedService<EngineWorker>();
        return services;
    }
}
