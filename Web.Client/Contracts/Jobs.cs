using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Serving;

namespace Clap2Diffusion.Client.Contracts;

/// <summary>A text-only image, or a pair: the audio-conditioned image and its same-seed text-only baseline.</summary>
public enum JobKind
{
    TextOnly,
    Pair,
}

public enum JobState
{
    Queued,
    Running,
    Completed,
    Failed,
    /// <summary>Withdrawn by its owner before it ran.</summary>
    Cancelled,
    /// <summary>Stopped by its owner while it ran; the queue went on to the next job.</summary>
    Skipped,
}

/// <summary>A submission: the settings, and the caller's uploaded clip for a pair (none for a text-only image).</summary>
/// <param name="ModelSet">The model set to run it on (a key from <c>/health</c>); null for the active one.</param>
public sealed record JobRequest(GenerationSettings Settings, Guid? AudioUploadId, string? ModelSet = null)
{
    public JobKind Kind => AudioUploadId is null ? JobKind.TextOnly : JobKind.Pair;
}

/// <summary>An uploaded clip as the pages and the API describe it.</summary>
public sealed record AudioClip(Guid Id, string FileName, string Url, double DurationSeconds, int SampleRate, int Channels, long Bytes);

/// <summary>Where a finished job's images are served; <see cref="AudioConditionedUrl"/> only for pairs.</summary>
/// <summary>A finished job's images; a flagged one was blurred or replaced by the safety checker before it was stored.</summary>
public sealed record JobImages(string TextOnlyUrl, string? AudioConditionedUrl)
{
    public bool TextOnlyFlagged { get; init; }

    public bool AudioConditionedFlagged { get; init; }

    public bool AnyFlagged => TextOnlyFlagged || AudioConditionedFlagged;

    public IReadOnlyList<string> All => AudioConditionedUrl is null ? [TextOnlyUrl] : [TextOnlyUrl, AudioConditionedUrl];
}

public sealed record JobTimings(double QueuedMs, double RunMs, IReadOnlyList<StageTiming> Stages);

/// <summary>
/// One job as its owner or any visitor sees it. <see cref="Position"/>: 0 while running, 1 for next, null when done.
/// <see cref="IsExample"/>: one of the showcase pairs an empty gallery starts with on the demo model, nobody's work.
/// <see cref="Worker"/>: the engine that runs or ran it (a worker's name, or "inprocess"); null while queued.
/// <see cref="Attempts"/>: how many times an engine started it. <see cref="Waiting"/>: why a queued job cannot start
/// yet, when the reason is not the jobs ahead of it ("waiting for an engine worker").
/// </summary>
public sealed record JobStatus(
    Guid Id,
    bool IsMine,
    JobKind Kind,
    JobState State,
    int? Position,
    GenerationSettings Settings,
    AudioClip? Audio,
    JobImages? Images,
    PromptAudioRelation? Relation,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    JobTimings? Timings,
    ProgressEvent? LastProgress,
    [property: System.Text.Json.Serialization.JsonPropertyName("example")] bool IsExample = false,
    string? Worker = null,
    int Attempts = 0,
    string? Waiting = null)
{
    public bool IsFinished => State is not (JobState.Queued or JobState.Running);
}

public enum SubmitProblem
{
    Invalid,
    TooManyQueued,
    RateLimited,
    EngineUnavailable,
    StorageFull,

    /// <summary>The queue holds as many jobs as the server allows, all clients together.</summary>
    QueueFull,
}

/// <summary>Either a queued job (<see cref="JobId"/>) or the reason there is none.</summary>
public sealed record SubmitResult(Guid? JobId, int Position, RunEstimate? Estimate, SubmitProblem? Problem, IReadOnlyList<string> Messages)
{
    public bool Accepted => JobId is not null;

    public static SubmitResult Refused(SubmitProblem problem, params string[] messages) => new(null, 0, null, problem, messages);
}

/// <summary>How long a job would run, and how long it would wait behind the jobs already queued.</summary>
public sealed record RunEstimate(TimeSpan Run, TimeSpan Wait, int JobsAhead);

public enum OwnerActionResult
{
    Done,
    NotFound,
    NotOwner,
    /// <summary>The job is in a state where the action means nothing (cancel a finished job, skip a queued one).</summary>
    NotApplicable,
}
