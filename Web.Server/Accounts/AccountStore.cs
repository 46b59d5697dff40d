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
/// lockout: <see cref="AccountOptions.MaxFailedSignIns"/> wrong passwords in a row lock the account for
/// <see cref="AccountOptions.Lockout"/>, and a locked account refuses even the right password until then.
/// </summary>
public sealed class AccountStore(IDbContextFactory<StudioDbContext> contexts, IOptions<AccountOptions> options, TimeProvider clock,
    ILogger<AccountStore> logger) : IAccountAdmin
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

    /// <summary>Checks a password and records the attempt; serialised so parallel guesses cannot outrun the lockout.</summary>
    public async Task<(SignInResult Result, AccountEntity? Account)> VerifyAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        await _signIns.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var account = await db.Accounts.FirstOrDefaultAsync(a => a.Email == normalized, cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            if (account is null)
            {
                // Hash anyway, so an unknown address takes as long as a wrong password.
                Hasher.VerifyHashedPassword(new AccountEntity { Email = "", PasswordHash = "" }, DummyHash, password);
                logger.LogWarning("Sign-in refused for unknown account {Email}", normalized);
                return (new SignInResult(SignInStatus.Invalid, null), null);
            }

            if (account.LockedUntil is { } until && until > now)
            {
                logger.LogWarning("Sign-in refused for locked account {Email}", normalized);
                return (new SignInResult(SignInStatus.LockedOut, Utc(until)), null);
            }

            var verdict = Hasher.VerifyHashedPassword(account, account.PasswordHash, password);
            if (verdict == PasswordVerificationResult.Failed)
            {
                account.FailedSignIns++;
                var locked = account.FailedSignIns >= options.Value.MaxFailedSignIns;
                if (locked)
                {
                    account.LockedUntil = now + options.Value.Lockout;
                    account.FailedSignIns = 0;
                }

                await db.SaveChangesAsync(cancellationToken);
                logger.LogWarning("Wrong password for {Email}{Locked}", normalized, locked ? ": account locked" : "");
                return locked
                    ? (new SignInResult(SignInStatus.LockedOut, Utc(account.LockedUntil!.Value)), null)
                    : (new SignInResult(SignInStatus.Invalid, null), null);
            }

            if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
                account.PasswordHash = Hasher.HashPassword(account, password);
            account.FailedSignIns = 0;
            account.LockedUntil = null;
            account.LastSignInAt = now;
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("{Email} signed in", normalized);
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
        return await db.Accounts.Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LockedUntil, (DateTime?)null).SetProperty(a => a.FailedSignIns, 0), cancellationToken) == 1;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static readonly string DummyHash = Hasher.HashPassword(new AccountEntity { Email = "", PasswordHash = "" }, Guid.NewGuid().ToString());
}
