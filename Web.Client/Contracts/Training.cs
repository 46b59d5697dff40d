namespace Clap2Diffusion.Client.Contracts;

/// <summary>
/// Everything an admin sets for one training run; the same settings the command line's <c>train</c> takes, with
/// the engine's stage-1 recipe as defaults (<see cref="Recipe"/> gives either stage's).
/// </summary>
public sealed record TrainingSettings
{
    /// <summary>1: projection alignment; 2: weight optimisation.</summary>
    public int Stage { get; init; } = 1;

    public int Steps { get; init; } = 3000;

    public double LearningRate { get; init; } = 5e-5;

    public int BatchSize { get; init; } = 8;

    public int GradientAccumulation { get; init; } = 1;

    public int WarmupSteps { get; init; } = 100;

    public double AlignmentLossWeight { get; init; } = 0.1;

    public int CheckpointEvery { get; init; } = 500;

    public int SamplesEvery { get; init; } = 500;

    public long Seed { get; init; } = 20261125;

    /// <summary>Use at most this many examples of the dataset; null for all.</summary>
    public int? SampleLimit { get; init; }

    public AdapterPreset Preset { get; init; } = AdapterPreset.Full;

    public string DatasetFolder { get; init; } = "";

    /// <summary>Null: the active base model.</summary>
    public string? BaseModelFolder { get; init; }

    /// <summary>Null: the active CLAP model.</summary>
    public string? ClapFolder { get; init; }

    /// <summary>
    /// Stage 2 only: the stage-1 result it starts from (the adapters folder a stage-1 run wrote, its run folder or
    /// one of its checkpoints). Required for stage 2, ignored for stage 1.
    /// </summary>
    public string? StageOneResult { get; init; }

    /// <summary>The design's recipe for a stage: stage 1 runs 3,000 steps at 5e-5, stage 2 2,000 at 1e-5, both at batch 8.</summary>
    public static TrainingSettings Recipe(int stage) => stage == 2
        ? new TrainingSettings { Stage = 2, Steps = 2000, LearningRate = 1e-5, BatchSize = 8 }
        : new TrainingSettings { Stage = 1, Steps = 3000, LearningRate = 5e-5, BatchSize = 8 };

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Stage is not (1 or 2))
            problems.Add("The stage is 1 (projection alignment) or 2 (weight optimisation).");
        if (Steps is < 1 or > 10_000_000)
            problems.Add("Steps must be between 1 and 10,000,000.");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0 || LearningRate > 1)
            problems.Add("The learning rate must be above 0 and at most 1.");
        if (BatchSize is < 1 or > 1024)
            problems.Add("The batch size must be between 1 and 1024.");
        if (GradientAccumulation is < 1 or > 1024)
            problems.Add("Gradient accumulation must be between 1 and 1024.");
        if (WarmupSteps < 0)
            problems.Add("Warm-up steps must not be negative.");
        if (!double.IsFinite(AlignmentLossWeight) || AlignmentLossWeight < 0 || AlignmentLossWeight > 100)
            problems.Add("The alignment-loss weight must be between 0 and 100.");
        if (CheckpointEvery < 1)
            problems.Add("Checkpoint every N steps needs N of at least 1.");
        if (SamplesEvery < 1)
            problems.Add("Samples every N steps needs N of at least 1.");
        if (Seed < 0)
            problems.Add("The seed must not be negative.");
        if (SampleLimit is < 1)
            problems.Add("The limit on samples must be at least 1, or empty for the whole dataset.");
        if (string.IsNullOrWhiteSpace(DatasetFolder))
            problems.Add("Choose a dataset folder.");
        if (Stage == 2 && string.IsNullOrWhiteSpace(StageOneResult))
            problems.Add("Stage 2 starts from a stage-1 result: name the adapters folder (or run folder) a stage-1 run wrote.");
        return problems;
    }
}

public sealed record TrainingRunDetail(
    RunSummary Run,
    TrainingSettings Settings,
    IReadOnlyList<MetricSeries> Metrics,
    IReadOnlyList<RunSample> Samples,
    IReadOnlyList<RunCheckpoint> Checkpoints,
    DatasetValidation? Dataset,
    long NonFiniteSteps = 0)
{
    /// <summary>The trainer's per-step flag (1 on a step skipped for a non-finite loss or gradient); counted, not charted.</summary>
    public const string NonFiniteMetric = "steps/non_finite";
}
