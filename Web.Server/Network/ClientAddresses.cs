using Microsoft.Extensions.Caching.Memory;

namespace Clap2Diffusion.Server.Network;

/// <summary>
/// The network address each client id was last seen from, as the per-address limits count it (null for an exempt
/// network). A submission from the studio page comes over the circuit, not as an HTTP request the rate limiter
/// sees, so the queue looks its owner's address up here to count it per address as the API's submissions are.
/// Entries expire a day after their id was last seen, and there are at most as many as the id budgets let through.
/// </summary>
public sealed class ClientAddresses : IDisposable
{
    private readonly MemoryCache _seen = new(new MemoryCacheOptions { SizeLimit = 1_000_000 });
    private static readonly TimeSpan Remembered = TimeSpan.FromDays(1);

    public void Saw(string clientId, string? address)
    {
        if (address is null)
            _seen.Remove(clientId);
        else
            _seen.Set(clientId, address, new MemoryCacheEntryOptions { SlidingExpiration = Remembered, Size = 1 });
    }

    public string? Of(string clientId) => _seen.TryGetValue(clientId, out string? address) ? address : null;

    public void Dispose() => _seen.Dispose();
}
