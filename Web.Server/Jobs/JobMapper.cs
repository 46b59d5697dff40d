using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Server.Uploads;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>Turns stored jobs into the contracts the pages, the API and the hub share.</summary>
public static class JobMapper
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(GenerationSettings settings) => JsonSerializer.Serialize(settings, Json);

    public static GenerationSettings Settings(JobEntity job) =>
        JsonSerializer.Deserialize<GenerationSettings>(job.SettingsJson, Json)
        ?? throw new InvalidDataException($"Job {job.Id} has no settings.");

    public static JobImages? Images(JobEntity job) =>
        job.TextOnlyImage is null
            ? null
            : new JobImages(ContentStore.UrlOf(job.TextOnlyImage, "png"),
                job.AudioConditionedImage is null ? null : ContentStore.UrlOf(job.AudioConditionedImage, "png"))
            {
                TextOnlyFlagged = job.TextOnlyFlagged,
                AudioConditionedFlagged = job.AudioConditionedFlagged,
            };

    public static JobStatus ToStatus(JobEntity job, string clientId, int? position, ProgressEvent? progress, string? waiting = null)
    {
        var timings = job.StartedAt is { } started
            ? new JobTimings((started - job.CreatedAt).TotalMilliseconds, job.RunMs ?? 0, Stages(job))
            : null;
        return new JobStatus(job.Id, job.OwnerId == clientId, job.Kind, job.State, position, Settings(job),
            job.Upload is null ? null : UploadService.ToClip(job.Upload), Images(job), job.Relation, job.Error,
            Utc(job.CreatedAt), Utc(job.StartedAt), Utc(job.FinishedAt), timings, progress, job.OwnerId == ExampleOwner.Id,
            job.State == JobState.Queued ? null : job.Worker, job.Attempts, job.State == JobState.Queued ? waiting : null);
    }

    public static string? RelationName(PromptAudioRelation? relation) => relation?.Name();

    private static IReadOnlyList<StageTiming> Stages(JobEntity job) =>
        job.StagesJson is null ? [] : JsonSerializer.Deserialize<List<StageTiming>>(job.StagesJson, Json) ?? [];

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
