using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Client.Contracts;

/// <summary>
/// The machine's one generation queue. The pages and the HTTP API both go through it, so they share its
/// validation, limits and rate limit. <c>clientId</c> is the anonymous owner id (see <see cref="ICurrentClient"/>).
/// </summary>
public interface IJobQueue
{
    EngineStatus Status { get; }

    /// <summary>How long a job with these settings would run, and wait behind the queue, if submitted now.</summary>
    Task<RunEstimate> EstimateAsync(GenerationSettings settings, JobKind kind, CancellationToken cancellationToken = default);

    Task<SubmitResult> SubmitAsync(string clientId, JobRequest request, CancellationToken cancellationToken = default);

    Task<JobStatus?> GetAsync(Guid jobId, string clientId, CancellationToken cancellationToken = default);

    /// <summary>The caller's queued and running jobs, oldest first, so a reloaded studio finds them again.</summary>
    Task<IReadOnlyList<JobStatus>> ListActiveAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Withdraws a queued job. Owner only.</summary>
    Task<OwnerActionResult> CancelAsync(string clientId, Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>Stops a running job within one step; the queue moves on. Owner only.</summary>
    Task<OwnerActionResult> SkipAsync(string clientId, Guid jobId, CancellationToken cancellationToken = default);
}

/// <summary>In-process job notifications for components; dispose the subscription to stop receiving.</summary>
public interface IJobEvents
{
    IDisposable Subscribe(Guid jobId, Func<JobEvent, Task> handler);
}

public interface IGalleryStore
{
    Task<GalleryPage> QueryAsync(GalleryQuery query, string clientId, int skip, int take, CancellationToken cancellationToken = default);

    Task<GalleryItem?> GetAsync(Guid jobId, string clientId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the owner's item with its images, and its audio once no other item of theirs uses it.</summary>
    Task<OwnerActionResult> DeleteAsync(string clientId, Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>Records (or replaces) the caller's rating of a finished pair; null when there is no such pair.</summary>
    Task<RatingSummary?> RateAsync(string clientId, Guid jobId, RatingInput rating, CancellationToken cancellationToken = default);
}

/// <summary>Who is using this circuit: the anonymous per-browser id today, an account id once sign-in exists.</summary>
public interface ICurrentClient
{
    Task<string> GetIdAsync();
}
