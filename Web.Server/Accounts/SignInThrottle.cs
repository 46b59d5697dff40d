using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Accounts;

/// <summary>
/// Failed sign-ins counted per account and client address, never per account alone: <see cref="AccountOptions.MaxFailedSignIns"/>
/// failures for one e-mail address from one client address lock that pair for <see cref="AccountOptions.Lockout"/>,
/// so a stranger's guesses cannot keep the admin out from elsewhere. Each address also backs off on its own failures
/// (1 s, 2 s, 4 s... up to <see cref="AccountOptions.MaxBackoff"/>) whichever account it tries. Keys are the typed
/// e-mail address, known or not, so a lock says nothing about whether an account exists. Held in memory: a restart
/// forgets them, which costs an attacker nothing the per-address rate limit does not already bound.
/// </summary>
public sealed class SignInThrottle(IOptions<AccountOptions> options, TimeProvider clock)
{
    /// <summary>Failures an address may make before it backs off.</summary>
    public const int FreeFailures = 3;

    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<(string Email, string Address), Failures> _pairs = new();
    private readonly ConcurrentDictionary<string, Failures> _addresses = new();

    /// <summary>Until when this pair may not try; null when it may now.</summary>
    public DateTimeOffset? BlockedUntil(string email, string address)
    {
        var now = clock.GetUtcNow();
        var until = new[] { _pairs.GetValueOrDefault((email, address))?.Until, _addresses.GetValueOrDefault(address)?.Until }.Max();
        return until > now ? until : null;
    }

    /// <summary>Counts a failure; returns until when the pair is now blocked, if it is.</summary>
    public DateTimeOffset? Failed(string email, string address)
    {
        var now = clock.GetUtcNow();
        var settings = options.Value;
        _pairs.AddOrUpdate((email, address), _ => Next(null, now, settings.MaxFailedSignIns, settings.Lockout),
            (_, failures) => Next(failures, now, settings.MaxFailedSignIns, settings.Lockout));
        _addresses.AddOrUpdate(address, _ => Backoff(null, now, settings), (_, failures) => Backoff(failures, now, settings));
        if (_pairs.Count > PruneAbove)
            Prune(now - settings.Lockout);
        return BlockedUntil(email, address);
    }

    public void Succeeded(string email, string address)
    {
        _pairs.TryRemove((email, address), out _);
        _addresses.TryRemove(address, out _);
    }

    /// <summary>An admin's unlock: the account's locks from every address.</summary>
    public void Forget(string email)
    {
        foreach (var key in _pairs.Keys.Where(k => k.Email == email))
            _pairs.TryRemove(key, out _);
    }

    private static Failures Next(Failures? failures, DateTimeOffset now, int max, TimeSpan lockout)
    {
        var count = (failures?.Until > now ? 0 : failures?.Count ?? 0) + 1;
        return count >= max ? new Failures(0, now, now + lockout) : new Failures(count, now, null);
    }

    /// <summary>An address's failures are forgotten after a lockout's length without one.</summary>
    private static Failures Backoff(Failures? failures, DateTimeOffset now, AccountOptions settings)
    {
        var count = (failures is not null && now - failures.Last < settings.Lockout ? failures.Count : 0) + 1;
        if (count <= FreeFailures)
            return new Failures(count, now, null);
        var wait = TimeSpan.FromSeconds(Math.Pow(2, Math.Min(count - FreeFailures - 1, 30)));
        return new Failures(count, now, now + (wait < settings.MaxBackoff ? wait : settings.MaxBackoff));
    }

    private void Prune(DateTimeOffset before)
    {
        foreach (var (key, _) in _pairs.Where(p => p.Value.Last < before && !(p.Value.Until > before)))
            _pairs.TryRemove(key, out _);
        foreach (var (key, _) in _addresses.Where(p => p.Value.Last < before && !(p.Value.Until > before)))
            _addresses.TryRemove(key, out _);
    }

    private sealed record Failures(int Count, DateTimeOffset Last, DateTimeOffset? Until);
}
