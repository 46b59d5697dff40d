using System.Threading.RateLimiting;
using Clap2Diffusion.Server.Engine;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>The per-client rate limit on submissions (a sliding window), shared by the pages and the API.</summary>
public sealed class SubmissionLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public SubmissionLimits(IOptions<QueueOptions> options)
    {
        var queue = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(clientId => RateLimitPartition.GetSlidingWindowLimiter(clientId,
            _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = queue.SubmissionsPerWindow,
                Window = queue.RateWindow,
                SegmentsPerWindow = 6,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public bool TryAcquire(string clientId)
    {
        using var lease = _limiter.AttemptAcquire(clientId);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
