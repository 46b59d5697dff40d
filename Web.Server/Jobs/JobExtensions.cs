using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Startup;

namespace Clap2Diffusion.Server.Jobs;

public static class JobExtensions
{
    /// <summary>
    /// The generation job queue: submission with its limits, the job rows, their progress and events. The
    /// engine worker takes the jobs; the queue itself never touches the engine thread.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddSectionOptions<QueueOptions>(QueueOptions.Section);
        services.AddSingleton<JobEventBus>();
        services.AddSingleton<IJobEvents>(provider => provider.GetRequiredService<JobEventBus>());
        services.AddSingleton<ProgressBoard>();
        services.AddSingleton<RunningJobs>();
        services.AddSingleton<QueueSignal>();
        services.AddSingleton<SubmissionLimits>();
        services.AddSingleton<StepPreviews>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobOutcomes>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<SubmissionCheck>();
        services.AddSingleton<JobEstimates>();
        services.AddSingleton<JobOwnerActions>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<IJobQueue>(provider => provider.GetRequiredService<JobQueue>());
        return services;
    }
}
