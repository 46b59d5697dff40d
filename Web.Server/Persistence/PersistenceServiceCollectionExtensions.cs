using Clap2Diffusion.Server.Content;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>SQLite through EF Core (a context per operation), the content store, and the retention sweep.</summary>
    public static IServiceCollection AddPersistence(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StoragePaths>();
        services.AddDbContextFactory<StudioDbContext>((provider, options) =>
            options.UseSqlite(provider.GetRequiredService<StoragePaths>().ConnectionString));
        services.AddSingleton<ContentStore>();
        services.AddHostedService<DatabaseMigrator>();
        services.AddSingleton<RetentionSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<RetentionSweeper>());
        return services;
    }
}
