using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Startup;

namespace Clap2Diffusion.Server.Study;

public static class StudyExtensions
{
    /// <summary>The blind study: admin service, participant service, media copies, the preparer that fills studies, the blinding rule and the join limit.</summary>
    public static IServiceCollection AddStudy(this IServiceCollection services)
    {
        services.AddSectionOptions<StudyOptions>(StudyOptions.Section);
        services.AddStudyJoinLimits();
        services.AddSingleton<StudyMedia>();
        services.AddSingleton<StudyBlinding>();
        services.AddSingleton<StudyPreparer>();
        services.AddHostedService(provider => provider.GetRequiredService<StudyPreparer>());
        services.AddSingleton<StudyAdminService>();
        services.AddSingleton<IStudyAdmin>(provider => provider.GetRequiredService<StudyAdminService>());
        services.AddSingleton<IStudyParticipation, StudyParticipationService>();
        return services;
    }
}
