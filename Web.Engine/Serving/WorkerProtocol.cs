using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Engine.Serving;

// The JSON bodies of the front end's /api/worker/* endpoints, shared by both ends so they cannot drift apart. Every
// call carries the worker's key as a bearer token; the front end answers only workers that said hello.

/// <summary>POST /api/worker/hello, before the worker loads its models.</summary>
public sealed record WorkerHello(string Name, string Version, string Device, int Threads);

/// <summary>What the front end tells a worker that said hello.</summary>
/// <param name="Session">Sent back with every later call, so a second process that takes the same name is told from the first.</param>
/// <param name="LeaseSeconds">An entry idle this long may be reclaimed by another worker; the worker renews every third of it.</param>
/// <param name="PreviewInterval">At most one preview per interval (the front end's <c>Queue:PreviewInterval</c>).</param>
/// <param name="BlurPreviews">The front end's <c>Safety:BlurPreviews</c>.</param>
/// <param name="ContradictoryStrength">The front end's <c>Composition:ContradictoryStrength</c>, so a job's images do not depend on where it ran.</param>
public sealed record WorkerWelcome(string Session, int LeaseSeconds, TimeSpan PreviewInterval, bool BlurPreviews, double ContradictoryStrength);

/// <summary>POST /api/worker/ready, once the models are loaded.</summary>
public sealed record WorkerReady(string Name, string Session, EngineDescription Engine);

/// <summary>The states a worker reports (<c>/health</c> shows them).</summary>
public static class WorkerStates
{
    public const string Loading = "loading";
    public const string Idle = "idle";
    public const string Busy = "busy";
    public const string Draining = "draining";
}

/// <summary>POST /api/worker/heartbeat, every third of the lease; <see cref="Job"/> is the job it runs, if any.</summary>
public sealed record WorkerHeartbeat(string Name, string Session, string State, Guid? Job);

/// <summary>
/// The answer to a heartbeat. <see cref="JobLost"/>: the job the worker runs is no longer its own (another worker took
/// it over after this one stalled past the lease), so the worker stops it rather than finish work that will be discarded.
/// </summary>
public sealed record HeartbeatReply(bool JobLost);

/// <summary>POST /api/worker/jobs/{id}/start: the worker took a stream entry and asks whether the job is still to run.</summary>
public sealed record JobClaim(string Name, string Session, long Dispatch, string Entry);

/// <summary>The front end's answer to a claim: run it as attempt <see cref="Attempt"/>, or drop the entry because of <see cref="Reason"/>.</summary>
/// <param name="Pair">The job makes the audio-conditioned image and its text-only baseline; the clip is at .../audio.</param>
/// <param name="InitImage">The job edits a picture, at .../init-image.</param>
/// <param name="Loras">The LoRA names the settings ask for, each at .../loras/{name}.</param>
public sealed record JobTicket(bool Run, string? Reason, int Attempt, GenerationSettings? Settings, bool Pair, string? AudioName, bool InitImage,
    IReadOnlyList<string> Loras)
{
    public static JobTicket Refused(string reason) => new(false, reason, 0, null, false, null, false, []);
}

/// <summary>POST /api/worker/jobs/{id}/progress, after a step; lossy by design (a newer step replaces an unsent one).</summary>
/// <param name="Phase">The image being made, as <c>ImageConditions.Name</c> writes it.</param>
/// <param name="PreviewPng">A preview PNG, when one was due.</param>
public sealed record WorkerProgress(string Name, string Session, int Attempt, int Step, int TotalSteps, int Timestep, long ElapsedMs,
    string Phase, byte[]? PreviewPng);

/// <summary>How an attempt ended, as a worker reports it.</summary>
public static class WorkerOutcomes
{
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
}

/// <summary>POST /api/worker/jobs/{id}/result: retried until the front end answers; the PNGs only for a completed job.</summary>
public sealed record WorkerResult(string Name, string Session, int Attempt, string Outcome, string? Error, double RunMs,
    byte[]? TextOnlyPng, byte[]? AudioConditionedPng, long Seed, PromptAudioRelation? Relation, IReadOnlyList<StageTiming> Stages,
    bool TextOnlyFlagged, bool AudioConditionedFlagged);

/// <summary>The front end's answer to a result: accepted, or discarded because the attempt no longer holds the job.</summary>
public sealed record ResultReceipt(bool Accepted, string? Reason);

/// <summary>POST /api/worker/jobs/{id}/release: a draining worker hands back a job it could not finish, without it counting as an attempt.</summary>
public sealed record JobHandBack(string Name, string Session, int Attempt);

/// <summary>POST /api/worker/goodbye: the worker stops (after draining).</summary>
public sealed record WorkerGoodbye(string Name, string Session);
