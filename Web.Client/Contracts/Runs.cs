namespace Clap2Diffusion.Client.Contracts;

/// <summary>Training and evaluation runs: long engine work that shares the generation queue.</summary>
public enum RunKind
{
    Training,
    Evaluation,
}

public enum RunState
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>1 aligns the audio projection (stage 1); 2 optimises the adapter weights (stage 2).</summary>
public enum AdapterPreset
{
    Full,
    Compact,
}

/// <param name="Step">The last step reported; for an evaluation, the samples done.</param>
/// <param name="Yields">How often the run stepped aside for generation jobs.</param>
public sealed record RunSummary(
    Guid Id,
    RunKind Kind,
    RunState State,
    string Title,
    long Step,
    long TotalSteps,
    int Yields,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error)
{
    public bool IsActive => State is RunState.Queued or RunState.Running;
}

public sealed record MetricPoint(long Step, double Value);

public sealed record MetricSeries(string Name, IReadOnlyList<MetricPoint> Points);

public sealed record RunSample(long Step, string Url, string? Caption);

public sealed record RunCheckpoint(long Step, string Folder, DateTimeOffset CreatedAt);

public sealed record SkippedFile(string File, string Reason);

/// <summary>What a dataset folder holds for training: usable examples, files skipped with their reasons, and blocking problems.</summary>
public sealed record DatasetValidation(int Usable, IReadOnlyList<SkippedFile> Skipped, IReadOnlyList<string> Problems)
{
    public bool CanTrain => Problems.Count == 0 && Usable > 0;

    public static DatasetValidation Refused(params string[] problems) => new(0, [], problems);
}

/// <summary>Subfolders of a folder under a configured root, for choosing a dataset or a model.</summary>
public sealed record FolderListing(string Path, string? Parent, IReadOnlyList<string> Folders, string? Problem);

public sealed record LaunchResult(Guid? RunId, IReadOnlyList<string> Problems)
{
    public bool Accepted => RunId is not null;
}

/// <summary>Something changed in a run: a step was reported, a sample or checkpoint arrived, or its state changed.</summary>
public sealed record RunEvent(Guid RunId, RunState State, long Step);

/// <summary>The training run or evaluation the engine is busy with, for the studio's notice.</summary>
public sealed record BackgroundWork(Guid RunId, RunKind Kind, string Title, long Step, long TotalSteps, bool Exclusive);

/// <summary>What the engine does besides generating; the studio shows it so people know why jobs may be slower.</summary>
public interface IEngineActivity
{
    BackgroundWork? Current { get; }

    IDisposable Subscribe(Func<BackgroundWork?, Task> handler);
}
