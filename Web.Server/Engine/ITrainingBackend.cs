using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// The seam between the admin console and the engine's trainer (the same trainer as the command line's
/// <c>train</c>). <see cref="Validate"/> is called from request threads and must not touch torch;
/// <see cref="Run"/> runs on the engine thread, one run at a time, between generation jobs.
/// </summary>
public interface ITrainingBackend
{
    /// <summary>Checks the settings and the dataset folder: usable examples, files skipped with reasons, blocking problems.</summary>
    DatasetValidation Validate(TrainingSettings settings);

    /// <summary>
    /// Trains from <see cref="TrainingWork.ResumeFrom"/> (null: from scratch) towards <c>Settings.Steps</c>,
    /// reporting every step's metrics, samples every <c>SamplesEvery</c> steps and checkpoints every
    /// <c>CheckpointEvery</c> steps (and at the end) into <see cref="TrainingWork.OutputFolder"/>. At each step
    /// boundary it asks <paramref name="shouldYield"/>: when true it writes a checkpoint, reports it, and returns
    /// <see cref="TrainingRunEnd.Yielded"/>, so the server can run waiting generation jobs and queue it again.
    /// Cancellation is honoured within one step by throwing <see cref="OperationCanceledException"/>; bad
    /// input (a dataset that cannot be read) is reported with <see cref="Clap2Diffusion.Engine.InputException"/>.
    /// </summary>
    TrainingRunOutcome Run(TrainingWork work, ITrainingReporter reporter, Func<bool> shouldYield, CancellationToken cancellationToken);
}

/// <param name="RunId">The run, also the <c>Run</c> of every metric record.</param>
/// <param name="OutputFolder">The run's own folder: checkpoints go under it.</param>
/// <param name="ResumeFrom">The checkpoint folder to continue from (after a yield, a cancel or a restart); null for a fresh start.</param>
/// <param name="StartStep">The step that checkpoint was written at; 0 for a fresh start.</param>
public sealed record TrainingWork(Guid RunId, TrainingSettings Settings, string OutputFolder, string? ResumeFrom, long StartStep);

public enum TrainingRunEnd
{
    Completed,
    Yielded,
}

/// <param name="Step">The last step done.</param>
public sealed record TrainingRunOutcome(TrainingRunEnd End, long Step);
