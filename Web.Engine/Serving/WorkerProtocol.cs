using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Engine.Serving;

// The JSON bodies of the front end's /api/worker/* endpoints, shared by both ends so they cannot drift apart. Every
// call carries the worker's key as a bearer token; the front end answers only workers that said hello.

/// <summary>POST /api/worker/hello, before the worker loads its models.</summary>
/// <param name="SharedRoots">
/// Folders this worker reads and writes at the same paths as the front end (<c>--shared-root</c>): a training run goes
/// only to a worker whose roots hold its dataset and its run folder.
/// </param>
public sealed record WorkerHello(string Name, string Version, string Device, int Threads, IReadOnlyList<string>? SharedRoots = null);

/// <summary>What the front end tells a worker that said hello.</summary>
/// <param name="Session">Sent back with every later call, so a second process that takes the same name is told from the first.</param>
/// <param name="LeaseSeconds">An entry idle this long may be reclaimed by another worker; the worker renews every third of it.</param>
/// <param name="PreviewInterval">At most one preview per interval (the front end's <c>Queue:PreviewInterval</c>).</param>
/// <param name="BlurPreviews">The front end's <c>Safety:BlurPreviews</c>.</param>
/// <param name="ContradictoryStrength">The front end's <c>Composition:ContradictoryStrength</c>, so a job's images do not depend on where it ran.</param>
/// <param name="Models">The admin's active model set, when an admin has chosen one: the worker loads it instead of its own.</param>
/// <param name="Paused">An admin drained this worker: it takes no new work until resumed.</param>
public sealed record WorkerWelcome(string Session, int LeaseSeconds, TimeSpan PreviewInterval, bool BlurPreviews, double ContradictoryStrength,
    ModelOrder? Models, bool Paused);

/// <summary>
/// The model set an admin made active, as folders each worker resolves on its own disk (a part left out is the
/// worker's own). <see cref="Generation"/> grows with every switch, so a worker loads each order once.
/// </summary>
public sealed record ModelOrder(long Generation, string? BaseModelFolder, string? ClapFolder, string? AdapterFolder);

/// <summary>POST /api/worker/ready, once the models are loaded (again after each switch).</summary>
/// <param name="ModelGeneration">The <see cref="ModelOrder.Generation"/> the worker loaded; 0 for its own set.</param>
public sealed record WorkerReady(string Name, string Session, EngineDescription Engine, long ModelGeneration);

/// <summary>The states a worker reports (<c>/health</c> shows them).</summary>
public static class WorkerStates
{
    public const string Loading = "loading";
    public const string Idle = "idle";
    public const string Busy = "busy";
    public const string Draining = "draining";

    /// <summary>An admin drained it: alive and loaded, taking no new work until resumed.</summary>
    public const string Paused = "paused";
}

/// <summary>POST /api/worker/heartbeat, every third of the lease; <see cref="Job"/> is the job it runs, if any.</summary>
/// <param name="Error">Why the last model order could not be loaded (the worker keeps serving its old set); null when it could.</param>
/// <param name="Run">The training run it runs, if any.</param>
public sealed record WorkerHeartbeat(string Name, string Session, string State, Guid? Job, string? Error = null, Guid? Run = null);

/// <summary>
/// The answer to a heartbeat. <see cref="JobLost"/>: the job the worker runs is no longer its own (another worker took
/// it over after this one stalled past the lease), so the worker stops it rather than finish work that will be
/// discarded. <see cref="Paused"/>: an admin drained it. <see cref="Models"/>: the admin's active model set, if any.
/// <see cref="Training"/>: a training run the front end gave this worker. <see cref="RunLost"/>: the run it trains is
/// no longer its own (cancelled, or given to another worker after this one went silent).
/// </summary>
/// <see cref="Evaluation"/>: a shard of an evaluation run for this worker.
public sealed record HeartbeatReply(bool JobLost, bool Paused = false, ModelOrder? Models = null, TrainingOrder? Training = null, bool RunLost = false,
    EvaluationOrder? Evaluation = null);

/// <summary>
/// Shard <see cref="Shard"/> of <see cref="Shards"/> of an evaluation run, as attempt <see cref="Attempt"/>. Every
/// shard makes the run's whole case list the same way and generates its own contiguous part of it on the worker's
/// set (or the named adapters); its images and shard file go to <see cref="ShardFolder"/>, inside the run's folder.
/// </summary>
public sealed record EvaluationOrder(Guid RunId, int Shard, int Shards, int Attempt, string RunName, bool DemoWorld, string DatasetFolder, int Samples,
    long Seed, int Steps, string? AdapterFolder, string? ClipFolder, string? FidWeights, string ShardFolder)
{
    public const string ShardFileName = "shard.json";

    public string ShardFile => Path.Combine(ShardFolder, ShardFileName);
}

/// <summary>
/// A training run for one worker, as attempt <see cref="Attempt"/>: the trainer's settings with the front end's paths
/// (dataset, output, cache, the checkpoint to resume from) and the worker's own base model and CLAP filled in by it.
/// </summary>
public sealed record TrainingOrder(Guid RunId, int Attempt, Training.AdapterTrainingSettings Settings);

/// <summary>POST /api/worker/runs/{id}/report: one metric record, sample or checkpoint of the attempt, in order and never dropped.</summary>
/// <param name="Shard">For an evaluation shard: which one; <see cref="Done"/> of <see cref="Total"/> of its cases are generated.</param>
public sealed record WorkerRunReport(string Name, string Session, int Attempt, Training.Metrics.MetricRecord? Metric = null, long? SampleStep = null,
    byte[]? SamplePng = null, string? SampleCaption = null, long? CheckpointStep = null, string? CheckpointFolder = null, int? Shard = null,
    long? Done = null, long? Total = null);

/// <summary>How a worker's training attempt ended.</summary>
public static class RunOutcomes
{
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>The worker stopped (drained) before the end: the run goes back to the queue and resumes from its last checkpoint.</summary>
    public const string HandedBack = "handed-back";
}

/// <summary>POST /api/worker/runs/{id}/result; for an evaluation shard, <see cref="Shard"/> names it and its file is the order's.</summary>
public sealed record WorkerRunResult(string Name, string Session, int Attempt, string Outcome, long Step, string? Error, int? Shard = null);

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
