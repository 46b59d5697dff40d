using Clap2Diffusion.Server.Engine;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Persistence;

/// <summary>
/// Applies migrations before anything else starts (hosted services start in registration order, and before
/// the server listens), and turns on write-ahead logging so page reads never wait for the engine's writes.
/// </summary>
public sealed class DatabaseMigrator(IDbContextFactory<StudioDbContext> contexts, StoragePaths paths, EngineState state,
    ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.DataFolder);
        Directory.CreateDirectory(paths.ContentFolder);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        state.MarkDatabaseReady();
        logger.LogInformation("Database ready at {Database}", paths.Database);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
