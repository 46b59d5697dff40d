using System.Security.Claims;
using Clap2Diffusion.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Accounts;

/// <summary>
/// Sign-in sessions the server can end: a cookie is valid while its account exists, keeps the role the cookie
/// claims, and still has the session stamp the cookie carries. Sign-out replaces the stamp, so every copy of the
/// account's cookies stops working, on every device (the price of keeping one column rather than a session table).
/// </summary>
public sealed class AdminSessions(IDbContextFactory<StudioDbContext> contexts)
{
    public async Task<bool> IsValidAsync(ClaimsIdentity signedIn, CancellationToken cancellationToken)
    {
        if (AdminClaims.AccountId(signedIn) is not { } accountId || signedIn.FindFirst(AdminClaims.SessionClaim)?.Value is not { Length: > 0 } stamp)
            return false;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var account = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId)
            .Select(a => new { a.IsAdmin, a.SessionStamp }).FirstOrDefaultAsync(cancellationToken);
        return account is not null && account.IsAdmin == signedIn.HasClaim(ClaimTypes.Role, AdminClaims.Role) && account.SessionStamp == stamp;
    }

    /// <summary>The stamp a new sign-in's cookie carries: the account's current one, made on its first sign-in.</summary>
    public async Task<string> StampForSignInAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var fresh = NewStamp();
        await db.Accounts.Where(a => a.Id == accountId && a.SessionStamp == "")
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.SessionStamp, fresh), cancellationToken);
        return await db.Accounts.Where(a => a.Id == accountId).Select(a => a.SessionStamp).SingleAsync(cancellationToken);
    }

    /// <summary>Ends every session of the account.</summary>
    public async Task EndAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var fresh = NewStamp();
        await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.SessionStamp, fresh), cancellationToken);
    }

    private static string NewStamp() => Guid.NewGuid().ToString("N");
}
