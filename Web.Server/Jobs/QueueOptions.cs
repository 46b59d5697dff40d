using System.ComponentModel.DataAnnotations;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>The "Queue" section: per-user limits, the rate limit, previews and the CPU caps.</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>Visitors' jobs that may wait in the queue, all clients together; past it, submissions get 503 and Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int MaxQueued { get; set; } = 200;

    /// <summary>Jobs one client may have waiting or running at once.</summary>
    [Range(1, 1000)]
    public int MaxActivePerClient { get; set; } = 5;

    /// <summary>Submissions one client may make per <see cref="RateWindow"/>.</summary>
    [Range(1, 10_000)]
    public int SubmissionsPerWindow { get; set; } = 12;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The shortest time between two preview images of one job.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan PreviewInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most steps per job when the engine computes on the CPU.</summary>
    [Range(1, 1000)]
    public int CpuMaxSteps { get; set; } = 30;

    /// <summary>Largest width or height when the engine computes on the CPU.</summary>
    [Range(64, 4096)]
    public int CpuMaxSide { get; set; } = 512;

    /// <summary>
    /// Starts of one job before it is given up: a job that was running when the server stopped is queued again
    /// until it has started this many times, so a job that crashes the process cannot crash it forever.
    /// </summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 2;
}
