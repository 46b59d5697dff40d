using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Gallery;
using Clap2Diffusion.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Content;

/// <summary>
/// Applies the retention settings: deletes uploads no job uses once they are older than
/// <see cref="StorageOptions.UnusedUploadRetention"/>, finished jobs older than
/// <see cref="StorageOptions.GalleryRetentionDays"/> (when set), and reconciles the content rows with the files after a
/// crash: files nothing refers to, files without a row, and rows without a file.
/// </summary>
public sealed class RetentionSweeper(IDbContextFactory<StudioDbContext> contexts, ContentStore content, GalleryStore gallery,
    IOptions<StorageOptions> options, ILogger<RetentionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "The retention sweep failed; it runs again in {Interval}", options.Value.SweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = DateTime.UtcNow;
        List<(Guid Id, string Hash)> unused;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var uploadCutoff = now - settings.UnusedUploadRetention;
            unused = (await db.Uploads
                .Where(u => u.CreatedAt < uploadCutoff && !db.Jobs.Any(j => j.UploadId == u.Id))
                .Select(u => new { u.Id, u.ContentHash })
                .ToListAsync(cancellationToken))
                .Select(u => (u.Id, u.ContentHash)).ToList();
            if (unused.Count > 0)
            {
                var ids = unused.Select(u => u.Id).ToList();
                await db.Uploads.Where(u => ids.Contains(u.Id)).ExecuteDeleteAsync(cancellationToken);
            }
        }

        await content.DeleteUnreferencedAsync(unused.Select(u => u.Hash), cancellationToken);

        // Content nothing refers to: images prepared for an edit that no job took up (the studio was closed, the job
        // was refused), and files whose upload or job row a crash deleted before the file went.
        List<string> unreferenced;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var cutoff = now - settings.UnusedUploadRetention;
            unreferenced = await db.Contents
                .Where(c => c.CreatedAt < cutoff && !db.Uploads.Any(u => u.ContentHash == c.Hash)
                    && !db.Jobs.Any(j => j.TextOnlyImage == c.Hash || j.AudioConditionedImage == c.Hash || j.InitImage == c.Hash))
                .Select(c => c.Hash).ToListAsync(cancellationToken);
        }

        await content.DeleteUnreferencedAsync(unreferenced, cancellationToken);
        var rowsWithoutFiles = await content.DeleteRowsWithoutFilesAsync(cancellationToken);

        var expired = 0;
        if (settings.GalleryRetentionDays > 0)
        {
            var jobCutoff = now.AddDays(-settings.GalleryRetentionDays);
            List<Guid> old;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                old = await db.Jobs
                    .Where(j => j.FinishedAt != null && j.FinishedAt < jobCutoff && j.State != JobState.Queued && j.State != JobState.Running)
                    .Select(j => j.Id).ToListAsync(cancellationToken);
            }

            foreach (var id in old)
                if (await gallery.DeleteAsync(id, ownerId: null, cancellationToken) == OwnerActionResult.Done)
                    expired++;
        }

        var stray = await content.DeleteStrayFilesAsync(TimeSpan.FromHours(1), cancellationToken);
        if (unused.Count + expired + stray + unreferenced.Count + rowsWithoutFiles > 0)
            logger.LogInformation("Retention sweep deleted {Uploads} unused uploads, {Jobs} expired jobs, {Unreferenced} unreferenced files, " +
                "{Stray} stray files and {Rows} rows whose files were gone", unused.Count, expired, unreferenced.Count, stray, rowsWithoutFiles);
    }
}
