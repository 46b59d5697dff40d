using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Composition;

namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>
/// One generation, from submission to its images. <see cref="Number"/> orders the queue and the gallery;
/// <see cref="Id"/> is the public name. Times are UTC.
/// </summary>
public sealed class JobEntity
{
    public long Number { get; set; }

    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public JobKind Kind { get; set; }

    public JobState State { get; set; }

    /// <summary>The settings as JSON, seed included; the prompt is also a column so the gallery can search it.</summary>
    public required string SettingsJson { get; set; }

    public required string Prompt { get; set; }

    public long Seed { get; set; }

    public Guid? UploadId { get; set; }

    public UploadEntity? Upload { get; set; }

    /// <summary>The image an edit started from (a content hash, also in the settings); a column so the content store sees it is in use.</summary>
    public string? InitImage { get; set; }

    public string? TextOnlyImage { get; set; }

    public string? AudioConditionedImage { get; set; }

    /// <summary>The safety checker flagged the text-only image (stored blurred or replaced, never as generated).</summary>
    public bool TextOnlyFlagged { get; set; }

    /// <summary>The safety checker flagged the audio-conditioned image.</summary>
    public bool AudioConditionedFlagged { get; set; }

    public PromptAudioRelation? Relation { get; set; }

    public string? Error { get; set; }

    /// <summary>How many times an engine started this job (a hand-back by a draining worker takes its start back).</summary>
    public int Attempts { get; set; }

    /// <summary>The engine running or last running it: a remote worker's name, or "inprocess"; null until it starts.</summary>
    public string? Worker { get; set; }

    /// <summary>
    /// Remote mode: how many times the front end has released this job to the work stream. Each stream entry carries
    /// the number it was released with, so an entry left over from an earlier release (after a Redis restart, say)
    /// cannot start the job a second time.
    /// </summary>
    public long Dispatch { get; set; }

    /// <summary>Remote mode: when the current release reached the work stream; null while the job waits its turn.</summary>
    public DateTime? ReleasedAt { get; set; }

    /// <summary>
    /// The model set the job asked for (<c>ModelSetKey</c>); null for the active set, whichever that is when the job is
    /// released.
    /// </summary>
    public string? ModelSet { get; set; }

    /// <summary>Remote mode: the model set whose work stream holds the current release.</summary>
    public string? DispatchSet { get; set; }

    /// <summary>Remote mode: the work stream's entry id of the current release.</summary>
    public string? StreamEntry { get; set; }

    /// <summary>
    /// The queue's round this job runs in: each owner has at most one job per round, and the queue takes the lowest
    /// round first (then <see cref="Number"/>), so owners take turns instead of one owner's backlog going first.
    /// </summary>
    public long Round { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public double? RunMs { get; set; }

    public string? StagesJson { get; set; }

    public List<RatingEntity> Ratings { get; set; } = [];
}
