namespace Clap2Diffusion.Server.Content;

public static class ContentExtensions
{
    /// <summary>The content store (uploaded audio and generated images on disk, under the storage quota), its retention sweep and the online backup.</summary>
    public static IServiceCollection AddContent(this IServiceCollection services)
    {
        services.AddSingleton<ContentStore>();
        services.AddSingleton<RetentionSweeper>();
        services.AddSingleton<Backup.OnlineBackup>();
        services.AddHostedService(provider => provider.GetRequiredService<RetentionSweeper>());
        return services;
    }
}
