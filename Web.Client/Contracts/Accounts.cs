using Microsoft.AspNetCore.Http;

namespace Clap2Diffusion.Client.Contracts;

public enum SignInStatus
{
    SignedIn,
    Invalid,
    LockedOut,
}

public sealed record SignInResult(SignInStatus Status, DateTimeOffset? LockedUntil);

public sealed record AccountInfo(Guid Id, string Email, bool IsAdmin, int FailedSignIns, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt);

/// <summary>Sign-in for the admin console: checks the password (with lockout) and sets the sign-in cookie.</summary>
public interface IAccountSignIn
{
    Task<SignInResult> SignInAsync(HttpContext context, string email, string password, CancellationToken cancellationToken = default);
}

/// <summary>Accounts, for admins: who may sign in, with or without the Admin role.</summary>
public interface IAccountAdmin
{
    Task<IReadOnlyList<AccountInfo>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The problems that prevented creating it; empty when it was created.</summary>
    Task<IReadOnlyList<string>> CreateAsync(string email, string password, bool isAdmin, CancellationToken cancellationToken = default);

    Task<bool> UnlockAsync(Guid accountId, CancellationToken cancellationToken = default);
}
