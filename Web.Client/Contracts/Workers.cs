namespace Clap2Diffusion.Client.Contracts;

/// <summary>One engine worker as the admin's Workers page shows it.</summary>
/// <param name="State">loading, idle, busy, paused, draining, or "silent" once it stopped calling.</param>
/// <param name="ModelSet">The routing key of the set it holds; null while it loads its first.</param>
/// <param name="Paused">An admin drained it: it finishes its job and takes no new work until resumed.</param>
/// <param name="MeanSecondsPerJob">Over the jobs it finished; null before its first.</param>
/// <param name="LastError">Its last job failure, or why it could not load the admin's model set.</param>
public sealed record WorkerInfo(
    string Name,
    string Device,
    string Dtype,
    int Threads,
    string Version,
    string State,
    Guid? Job,
    string? ModelSet,
    string? ModelName,
    string? BaseHash,
    string? ClapHash,
    string? AdaptersHash,
    bool Paused,
    int JobsDone,
    double? MeanSecondsPerJob,
    string? LastError,
    double HeartbeatAgeSeconds);

/// <summary>The fleet as the Workers page shows it: the workers, the active set, and whether jobs run on workers at all.</summary>
public sealed record FleetInfo(string Mode, bool UsesWorkers, string? ActiveModelSet, IReadOnlyList<WorkerInfo> Workers);

/// <summary>Engine workers for admins: who is there and what they do; drain one (it finishes its job, then waits) or resume it.</summary>
public interface IWorkerConsole
{
    FleetInfo Fleet();

    /// <summary>False when no worker of that name was ever seen.</summary>
    bool Drain(string name);

    bool Resume(string name);
}
