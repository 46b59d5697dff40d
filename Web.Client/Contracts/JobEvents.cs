using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Client.Contracts;

/// <summary>
/// What happens to a job, as components (in process) and hub clients (over SignalR) receive it. The hub sends
/// each subtype under its method name, QueuePosition, Progress, Completed or Failed, with these fields.
/// </summary>
public abstract record JobEvent(Guid JobId);

/// <summary>0 means running now; 1 means next.</summary>
public sealed record QueuePositionEvent(Guid JobId, int Position) : JobEvent(JobId);

/// <summary>
/// One denoising step of a running job: the engine's <c>StepProgress</c> as it travels (mapped in
/// <c>JobRunner.OnStep</c>), with the preview stored and named by its URL.
/// </summary>
/// <param name="Step">From 1 to <paramref name="TotalSteps"/> over the whole job (a pair's two loops count as one run).</param>
/// <param name="Phase">Which image the step belongs to: "audio" or "text-only" (<c>ImageCondition</c>).</param>
/// <param name="PreviewUrl">The latest preview; previews are rendered at most every <c>Queue:PreviewInterval</c>.</param>
public sealed record ProgressEvent(Guid JobId, int Step, int TotalSteps, int Timestep, long ElapsedMs, long EtaMs, string? PreviewUrl, string Phase = ImageConditions.TextOnlyName)
    : JobEvent(JobId);

/// <summary><see cref="Relation"/> is the lower-case relation class of a pair, null for a text-only image.</summary>
public sealed record CompletedEvent(Guid JobId, IReadOnlyList<string> ImageUrls, string? Relation) : JobEvent(JobId);

/// <summary>The job ended without images: it failed, or its owner cancelled or skipped it.</summary>
public sealed record FailedEvent(Guid JobId, string Error) : JobEvent(JobId);
