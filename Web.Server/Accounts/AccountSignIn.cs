using System.Security.Claims;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Network;
using Microsoft.AspNetCore.Authentication;

namespace Clap2Diffusion.Server.Accounts;

/// <summary>Checks the password through <see cref="AccountStore"/> for the caller's address and, when it is right, sets the admin cookie.</summary>
public sealed class AccountSignIn(AccountStore accounts, AdminSessions sessions, ClientNetwork network) : IAccountSignIn
{
    public async Task<SignInResult> SignInAsync(HttpContext context, string email, string password, CancellationToken cancellationToken = default)
    {
        var (result, account) = await accounts.VerifyAsync(email, password, network.AddressOf(context), cancellationToken);
        if (account is null)
            return result;
        var stamp = await sessions.StampForSignInAsync(account.Id, cancellationToken);
        var principal = new ClaimsPrincipal(AdminClaims.IdentityFor(account.Id, account.Email, account.IsAdmin, stamp));
        await context.SignInAsync(AdminClaims.Scheme, principal, new AuthenticationProperties { IsPersistent = false });
        return result;
    }
}
