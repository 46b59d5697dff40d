using Clap2Diffusion.Server.Startup;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>The Storage section, and SQLite through EF Core (a context per operation) with its migrations applied at start-up.</summary>
    public static IServiceCollection AddPersistence(this IServiceCollection services)
    {
        services.AddSectionOptions<StorageOptions>(StorageOptions.Section);
        services.AddSingleton<StoragePaths>();
        services.AddSingleton<StoredSettings>();
        services.AddDbContextFactory<StudioDbContext>((provider, options) =>
            options.UseSqlite(provider.GetRequiredService<StoragePaths>().ConnectionString));
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }
}
