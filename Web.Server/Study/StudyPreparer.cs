using System.Security.Cryptography;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Study;

/// <summary>
/// Makes a study's items from their pairs: copies each finished pair's images (re-encoded, metadata-free) and
/// clip into the study, marks pairs that failed to generate, and once nothing is pending adds the attention
/// checks and marks the study ready. It runs when a study is created, whenever a job ends, and at start.
/// </summary>
public sealed class StudyPreparer(IDbContextFactory<StudioDbContext> contexts, StudyMedia media, ContentStore content, JobEventBus events,
    ILogger<StudyPreparer> logger) : IHostedService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IDisposable? _subscription;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.SubscribeAll(OnJobEventAsync);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var preparing = await db.Studies.Where(s => s.State == StudyState.Preparing).Select(s => s.Id).ToListAsync(cancellationToken);
        foreach (var studyId in preparing)
            await RefreshAsync(studyId, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Called on the job event pump: copying a pair's images takes a moment, so the work is handed off and the
    /// pump goes on delivering progress to the studio.
    /// </summary>
    private Task OnJobEventAsync(JobEvent jobEvent)
    {
        if (jobEvent is CompletedEvent or FailedEvent)
            _ = Task.Run(() => FillStudiesOfAsync(jobEvent.JobId));
        return Task.CompletedTask;
    }

    private async Task FillStudiesOfAsync(Guid jobId)
    {
        try
        {
            List<Guid> studies;
            await using (var db = await contexts.CreateDbContextAsync())
            {
                studies = await db.StudyItems.Where(i => i.JobId == jobId && i.State == StudyItemState.Pending)
                    .Select(i => i.StudyId).Distinct().ToListAsync();
            }

            foreach (var studyId in studies)
                await RefreshAsync(studyId, CancellationToken.None);
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "The studies waiting for job {JobId} could not be filled; they are filled again at the next start", jobId);
        }
    }

    public async Task RefreshAsync(Guid studyId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var study = await db.Studies.Include(s => s.Items).FirstOrDefaultAsync(s => s.Id == studyId, cancellationToken);
            if (study is null || study.State != StudyState.Preparing)
                return;
            foreach (var item in study.Items.Where(i => i.State == StudyItemState.Pending))
                await MaterialiseAsync(db, study, item, cancellationToken);
            if (study.Items.All(i => i.State != StudyItemState.Pending))
                await FinishAsync(db, study, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task MaterialiseAsync(StudioDbContext db, StudyEntity study, StudyItemEntity item, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking().Include(j => j.Upload).FirstOrDefaultAsync(j => j.Id == item.JobId, cancellationToken);
        if (job is null || job.State is JobState.Failed or JobState.Cancelled or JobState.Skipped)
        {
            Fail(item, job is null ? "Its generation job no longer exists." : $"Its generation ended {job.State}: {job.Error}");
            return;
        }

        if (job.State != JobState.Completed)
            return;
        if (job is not { TextOnlyImage: { } textOnly, AudioConditionedImage: { } audioImage, Upload: { } upload })
        {
            Fail(item, "The job is not a finished pair with its clip.");
            return;
        }

        try
        {
            var (target, _, _) = await media.StoreImageAsync(study.Id, await File.ReadAllBytesAsync(content.PathOf(audioImage, "png"), cancellationToken),
                cancellationToken);
            var (other, _, _) = await media.StoreImageAsync(study.Id, await File.ReadAllBytesAsync(content.PathOf(textOnly, "png"), cancellationToken),
                cancellationToken);
            var audio = await media.StoreAudioAsync(study.Id, await File.ReadAllBytesAsync(content.PathOf(upload.ContentHash, "wav"), cancellationToken),
                cancellationToken);
            (item.TargetImage, item.OtherImage, item.Audio, item.Relation, item.Prompt) = (target, other, audio, job.Relation, job.Prompt);
            item.AudioSeconds = upload.DurationSeconds;
            item.State = StudyItemState.Ready;
        }
        catch (Exception exception) when (exception is IOException or Clap2Diffusion.Engine.InputException)
        {
            logger.LogWarning(exception, "Study {StudyId}: pair {JobId} could not be copied", study.Id, job.Id);
            Fail(item, $"Its images could not be copied: {exception.Message}");
        }
    }

    private void Fail(StudyItemEntity item, string problem)
    {
        item.State = StudyItemState.Failed;
        item.Problem = problem;
        logger.LogWarning("Study {StudyId}: item {ItemId} failed: {Problem}", item.StudyId, item.Id, problem);
    }

    private async Task FinishAsync(StudioDbContext db, StudyEntity study, CancellationToken cancellationToken)
    {
        var ready = study.Items.Where(i => i is { State: StudyItemState.Ready, IsAttentionCheck: false }).ToList();
        var failed = study.Items.Count(i => i.State == StudyItemState.Failed);
        if (failed > 0)
            study.Problem = $"{failed} pair(s) could not be made and were left out.";
        if (ready.Count == 0)
        {
            study.State = StudyState.Closed;
            study.Problem = "No pair could be made, so the study cannot run.";
            return;
        }

        foreach (var source in ready.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).Take(Math.Min(study.AttentionChecks, ready.Count)))
        {
            var bytes = await File.ReadAllBytesAsync(media.PathOf(study.Id, source.TargetImage!), cancellationToken);
            var (intact, width, height) = await media.StoreImageAsync(study.Id, bytes, cancellationToken);
            // Added through the set: an entity with its key already set would be taken for an existing row.
            db.StudyItems.Add(new StudyItemEntity
            {
                Id = Guid.NewGuid(),
                StudyId = study.Id,
                IsAttentionCheck = true,
                State = StudyItemState.Ready,
                Prompt = source.Prompt,
                TargetImage = intact,
                OtherImage = await media.StoreBlankAsync(study.Id, width, height, cancellationToken),
                Audio = source.Audio,
                AudioSeconds = source.AudioSeconds,
            });
        }

        study.State = StudyState.Ready;
        logger.LogInformation("Study {StudyId} ready: {Pairs} pairs, {Checks} attention checks", study.Id, ready.Count,
            Math.Min(study.AttentionChecks, ready.Count));
    }
}
