using System.Net.Mail;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SignInResult = Clap2Diffusion.Client.Contracts.SignInResult;

namespace Clap2Diffusion.Server.Accounts;

/// <summary>
/// Accounts with PBKDF2-hashed passwords (ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>) and
/// lockout per account and client address (<see cref="SignInThrottle"/>): a locked pair refuses even the right
/// password until the lockout ends, while the same account signs in from elsewhere.
/// </summary>
public sealed class AccountStore(IDbContextFactory<StudioDbContext> contexts, IOptions<AccountOptions> options, TimeProvider clock,
    SignInThrottle throttle, ILogger<AccountStore> logger) : IAccountAdmin
{
    private static readonly PasswordHasher<AccountEntity> Hasher = new();
    private readonly SemaphoreSlim _signIns = new(1, 1);

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    public IReadOnlyList<string> CheckNew(string email, string password)
    {
        var problems = new List<string>();
        if (!MailAddress.TryCreate(email.Trim(), out var address) || address.Address != email.Trim() || email.Length > 256)
            problems.Add("Give a valid e-mail address (at most 256 characters).");
        var minimum = options.Value.MinPasswordLength;
        if (password.Length < minimum)
            problems.Add($"The password must be at least {minimum} characters long.");
        if (password.Length > 1024)
            problems.Add("The password may be at most 1024 characters long.");
        return problems;
    }

    public async Task<IReadOnlyList<string>> CreateAsync(string email, string password, bool isAdmin, CancellationToken cancellationToken = default)
    {
        var problems = CheckNew(email, password).ToList();
        if (problems.Count > 0)
            return problems;
        var normalized = Normalize(email);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Accounts.AnyAsync(a => a.Email == normalized, cancellationToken))
            return [$"An account for {normalized} already exists."];
        var account = new AccountEntity
        {
            Id = Guid.NewGuid(),
            Email = normalized,
            PasswordHash = "",
            IsAdmin = isAdmin,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        account.PasswordHash = Hasher.HashPassword(account, password);
        db.Accounts.Add(account);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Account {Email} created (admin: {IsAdmin})", normalized, isAdmin);
        return [];
    }

    public async Task<bool> AnyAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Accounts.AnyAsync(a => a.Email == normalized, cancellationToken);
    }

    /// <summary>
    /// Checks a password from <paramref name="address"/> and records the attempt with <see cref="SignInThrottle"/>;
    /// serialised so parallel guesses cannot outrun the lockout. An unknown address and a known one fail, and lock,
    /// alike.
    /// </summary>
    public async Task<(SignInResult Result, AccountEntity? Account)> VerifyAsync(string email, string password, string address,
        CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        await _signIns.WaitAsync(cancellationToken);
        try
        {
            if (throttle.BlockedUntil(normalized, address) is { } blocked)
            {
                logger.LogWarning("Sign-in for {Email} from {Address} refused unchecked: locked until {Until}", normalized, address, blocked);
                return (new SignInResult(SignInStatus.LockedOut, blocked), null);
            }

            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var account = await db.Accounts.FirstOrDefaultAsync(a => a.Email == normalized, cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            if (account is null)
            {
                // Hash anyway, so an unknown address takes as long as a wrong password.
                Hasher.VerifyHashedPassword(new AccountEntity { Email = "", PasswordHash = "" }, DummyHash, password);
                logger.LogWarning("Sign-in refused for unknown account {Email} from {Address}", normalized, address);
                return (Failed(normalized, address), null);
            }

            var verdict = Hasher.VerifyHashedPassword(account, account.PasswordHash, password);
            if (verdict == PasswordVerificationResult.Failed)
            {
                account.FailedSignIns++;
                await db.SaveChangesAsync(cancellationToken);
                var result = Failed(normalized, address);
                logger.LogWarning("Wrong password for {Email} from {Address}{Locked}", normalized, address,
                    result.Status == SignInStatus.LockedOut ? ": locked for this address" : "");
                return (result, null);
            }

            if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
                account.PasswordHash = Hasher.HashPassword(account, password);
            account.FailedSignIns = 0;
            account.LockedUntil = null;
            account.LastSignInAt = now;
            await db.SaveChangesAsync(cancellationToken);
            throttle.Succeeded(normalized, address);
            logger.LogInformation("{Email} signed in from {Address}", normalized, address);
            return (new SignInResult(SignInStatus.SignedIn, null), account);
        }
        finally
        {
            _signIns.Release();
        }
    }

    public async Task<AccountEntity?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
    }

    public async Task<IReadOnlyList<AccountInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var accounts = await db.Accounts.AsNoTracking().OrderBy(a => a.Email).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        return accounts.Select(a => new AccountInfo(a.Id, a.Email, a.IsAdmin, a.FailedSignIns,
            a.LockedUntil is { } until && until > now ? Utc(until) : null, Utc(a.CreatedAt), a.LastSignInAt is { } last ? Utc(last) : null)).ToList();
    }

    public async Task<bool> UnlockAsync(Guid accountId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Email).FirstOrDefaultAsync(cancellationToken) is { } email)
            throttle.Forget(email);
        return await db.Accounts.Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LockedUntil, (DateTime?)null).SetProperty(a => a.FailedSignIns, 0), cancellationToken) == 1;
    }

    private SignInResult Failed(string email, string address) =>
        throttle.Failed(email, address) is { } until ? new SignInResult(SignInStatus.LockedOut, until) : new SignInResult(SignInStatus.Invalid, null);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static readonly string DummyHash = Hasher.HashPassword(new AccountEntity { Email = "", PasswordHash = "" }, Guid.NewGuid().ToString());
}
