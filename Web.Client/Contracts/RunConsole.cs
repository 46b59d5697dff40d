namespace Clap2Diffusion.Client.Contracts;

/// <summary>Training and evaluation from the admin console. Admins only.</summary>
public interface IRunConsole
{
    TrainingSettings TrainingDefaults { get; }

    EvaluationRunSettings EvaluationDefaults { get; }

    /// <summary>The configured roots a dataset folder must lie under.</summary>
    IReadOnlyList<string> DatasetRoots { get; }

    /// <summary>The subfolders of <paramref name="path"/> (a root when null); a folder outside the roots is refused.</summary>
    FolderListing Browse(string? path);

    Task<DatasetValidation> CheckDatasetAsync(TrainingSettings settings, CancellationToken cancellationToken = default);

    Task<LaunchResult> LaunchTrainingAsync(TrainingSettings settings, CancellationToken cancellationToken = default);

    Task<LaunchResult> LaunchEvaluationAsync(EvaluationRunSettings settings, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<RunSummary>> ListAsync(RunKind kind, CancellationToken cancellationToken = default);

    Task<TrainingRunDetail?> GetTrainingAsync(Guid runId, CancellationToken cancellationToken = default);

    Task<EvaluationRunDetail?> GetEvaluationAsync(Guid runId, CancellationToken cancellationToken = default);

    /// <summary>Finished evaluations, oldest first, for charting their summary numbers over time.</summary>
    Task<IReadOnlyList<EvaluationPoint>> EvaluationHistoryAsync(CancellationToken cancellationToken = default);

    /// <summary>Withdraws a queued run or stops a running one at its next step; false when it has ended.</summary>
    Task<bool> CancelAsync(Guid runId, CancellationToken cancellationToken = default);

    /// <summary>Queues a cancelled or failed training run again, to go on from its last checkpoint.</summary>
    Task<bool> ResumeAsync(Guid runId, CancellationToken cancellationToken = default);

    IDisposable Subscribe(Guid runId, Func<RunEvent, Task> handler);
}
