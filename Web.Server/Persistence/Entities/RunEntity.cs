using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>A training or evaluation run in the engine queue. <see cref="Number"/> orders the runs.</summary>
public sealed class RunEntity
{
    public long Number { get; set; }

    public Guid Id { get; set; }

    public RunKind Kind { get; set; }

    public RunState State { get; set; }

    public required string Title { get; set; }

    /// <summary>The <see cref="TrainingSettings"/> or <see cref="EvaluationRunSettings"/> as JSON.</summary>
    public required string SettingsJson { get; set; }

    public long Step { get; set; }

    public long TotalSteps { get; set; }

    public int Yields { get; set; }

    /// <summary>How many times the run has been started; a run the server stopped in is given up after <c>Training:MaxAttempts</c>.</summary>
    public int Attempts { get; set; }

    /// <summary>The engine worker running (or last running) it, when runs go to workers; null for the in-process engine.</summary>
    public string? Worker { get; set; }

    /// <summary>An evaluation split across engine workers: its shards' states as JSON (<c>EvaluationShardState</c>); null otherwise.</summary>
    public string? ShardsJson { get; set; }

    public string? LastCheckpoint { get; set; }

    public long LastCheckpointStep { get; set; }

    public string? DatasetReportJson { get; set; }

    public string? ReportFolder { get; set; }

    public string? SummaryJson { get; set; }

    public string? Error { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }
}
