using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Startup;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>SQLite through EF Core (a context per operation), the content store, and the retention sweep.</summary>
    public static IServiceCollection AddPersistence(this IServiceCollection services)
    {
        services.AddSectionOptions<StorageOptions>(StorageOptions.Section);
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
