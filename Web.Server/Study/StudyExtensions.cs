using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Study;

public static class StudyExtensions
{
    /// <summary>The blind study: admin service, participant service, media copies and the preparer that fills studies.</summary>
    public static IServiceCollection AddStudy(this IServiceCollection services)
    {
        services.AddSingleton<StudyMedia>();
        services.AddSingleton<StudyPreparer>();
        services.AddHostedService(provider => provider.GetRequiredService<StudyPreparer>());
        services.AddSingleton<StudyAdminService>();
        services.AddSingleton<IStudyAdmin>(provider => provider.GetRequiredService<StudyAdminService>());
        services.AddSingleton<IStudyParticipation, StudyParticipationService>();
        return services;
    }
}
