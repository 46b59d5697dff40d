using System.Threading.RateLimiting;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Network;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>
/// The limits on submissions, shared by the pages and the API: how many jobs may wait in all, how many one client
/// may have waiting or running, and how many it may submit per window (a sliding window).
/// </summary>
public sealed class SubmissionLimits : IDisposable
{
    private readonly JobStore _store;
    private readonly QueueOptions _queue;
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly ClientAddresses _addresses;
    private readonly NetworkOptions _network;

    public SubmissionLimits(JobStore store, IOptions<QueueOptions> options, IOptions<NetworkOptions> network, ClientAddresses addresses)
    {
        _store = store;
        _queue = options.Value;
        _network = network.Value;
        _addresses = addresses;
        // The API's submissions also meet the HTTP rate limiter with the same numbers, so this one bites first only
        // when the studio's circuits add to what an address sends.
        _perAddress = PartitionedRateLimiter.Create<string, string>(address =>
            RateLimitPartition.GetSlidingWindowLimiter(address, _ => AddressLimits.Window(_network.SubmissionsPerAddress, _network.Window)));
        _limiter = PartitionedRateLimiter.Create<string, string>(clientId => RateLimitPartition.GetSlidingWindowLimiter(clientId,
            _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = _queue.SubmissionsPerWindow,
                Window = _queue.RateWindow,
                SegmentsPerWindow = 6,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>
    /// Why the client may not submit now, or null, in which case one submission is counted against its rate.
    /// Call it under the queue's submission lock, so two submissions cannot both pass the active count.
    /// </summary>
    public async Task<SubmitResult?> RefusalAsync(string clientId, CancellationToken cancellationToken)
    {
        var queued = await _store.CountQueuedVisitorJobsAsync(cancellationToken);
        if (queued >= _queue.MaxQueued)
            return SubmitResult.Refused(SubmitProblem.QueueFull,
                $"The queue is full: {queued} jobs are waiting, at most {_queue.MaxQueued}. Try again in a little while.");
        var active = await _store.CountActiveAsync(clientId, cancellationToken);
        if (active >= _queue.MaxActivePerClient)
            return SubmitResult.Refused(SubmitProblem.TooManyQueued,
                $"You already have {active} jobs waiting or running; at most {_queue.MaxActivePerClient} at once. Wait for one to finish or cancel one.");
        using var lease = _limiter.AttemptAcquire(clientId);
        if (!lease.IsAcquired)
            return SubmitResult.Refused(SubmitProblem.RateLimited,
                $"Too many submissions: at most {_queue.SubmissionsPerWindow} per {Describe(_queue.RateWindow)}. Try again shortly.");
        if (_addresses.Of(clientId) is not { } address)
            return null;
        using var addressLease = _perAddress.AttemptAcquire(address);
        return addressLease.IsAcquired
            ? null
            : SubmitResult.Refused(SubmitProblem.RateLimited,
                $"Too many submissions from your network address: at most {_network.SubmissionsPerAddress} per {Describe(_network.Window)}, " +
                "whichever ids they come under. Try again shortly.");
    }

    public void Dispose()
    {
        _limiter.Dispose();
        _perAddress.Dispose();
    }

    private static string Describe(TimeSpan window) =>
        window.TotalMinutes >= 1 && window.TotalMinutes % 1 == 0 ? $"{window.TotalMinutes:0} min" : $"{window.TotalSeconds:0} s";
}
