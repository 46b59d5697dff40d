namespace Clap2Diffusion.Client.Contracts;

public enum DemoWorldState
{
    /// <summary>The active base model was not trained on the demo world, so its dataset and evaluation are not offered.</summary>
    Unavailable,
    NotBuilt,
    Building,
    Ready,
    Failed,
}

/// <summary>Where the demo world's dataset stands.</summary>
/// <param name="Done">Clips written so far while building; all of them once ready.</param>
/// <param name="Folder">The dataset folder once it is ready.</param>
/// <param name="Problem">Why the model does not offer it, or why the build failed.</param>
public sealed record DemoWorldStatus(DemoWorldState State, int Done, int Total, string? Folder, string? Problem)
{
    public bool Offered => State != DemoWorldState.Unavailable;
}

/// <summary>
/// The demo world for admins on the demo model: its dataset, built into the data folder on first use and reused
/// after, and settings sized for training and evaluating on a CPU.
/// </summary>
public interface IDemoWorld
{
    DemoWorldStatus Status { get; }

    /// <summary>Training settings for the demo world sized for a CPU; <see cref="TrainingSettings.DatasetFolder"/> is empty until it is built.</summary>
    TrainingSettings TrainingDefaults { get; }

    /// <summary>A demo-world evaluation sized for a CPU.</summary>
    EvaluationRunSettings EvaluationDefaults { get; }

    /// <summary>About how long a run with <see cref="TrainingDefaults"/> takes on a 2-core CPU, for the form to say.</summary>
    TimeSpan TrainingEstimate { get; }

    /// <summary>Starts building the dataset unless it is built or being built; the status after that.</summary>
    DemoWorldStatus Prepare();

    /// <summary>Each change of <see cref="Status"/>, progress included (a few times a second at most).</summary>
    IDisposable Subscribe(Func<DemoWorldStatus, Task> handler);
}
