using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Network;

/// <summary>
/// The per-address budget of new client ids. Both ways of getting one draw on it: <c>POST /api/clients</c> and the
/// cookie a browser is given on its first page load, so neither is a free way round the other.
/// </summary>
public sealed class ClientIdIssuance(ClientNetwork network, IOptions<NetworkOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetSlidingWindowLimiter(address, _ => AddressLimits.Window(options.Value.ClientIdsPerAddress, options.Value.Window)));

    /// <summary>The lease for one more id from the request's address; an exempt address always gets one.</summary>
    public RateLimitLease Acquire(HttpContext context) =>
        network.PartitionOf(context) is { } address ? _limiter.AttemptAcquire(address) : Unlimited.Lease;

    public void Dispose() => _limiter.Dispose();

    private sealed class Unlimited : RateLimitLease
    {
        public static readonly Unlimited Lease = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
