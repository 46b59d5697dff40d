using System.Security.Claims;

namespace Clap2Diffusion.Server.Accounts;

/// <summary>The admin sign-in: its cookie scheme, its role, and the policy every admin page and endpoint requires.</summary>
public static class AdminClaims
{
    public const string Scheme = "c2d-admin";
    public const string CookieName = "c2d-admin";
    public const string Role = "Admin";
    public const string Policy = "Admin";
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";

    /// <summary>The account's session stamp when the cookie was issued (see <c>AdminSessions</c>).</summary>
    public const string SessionClaim = "c2d:session";

    public static ClaimsIdentity IdentityFor(Guid accountId, string email, bool isAdmin, string sessionStamp)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, accountId.ToString()), new(ClaimTypes.Name, email), new(SessionClaim, sessionStamp),
        };
        if (isAdmin)
            claims.Add(new Claim(ClaimTypes.Role, Role));
        return new ClaimsIdentity(claims, Scheme, ClaimTypes.Name, ClaimTypes.Role);
    }

    /// <summary>The signed-in account's identity, when the request carries one.</summary>
    public static ClaimsIdentity? SignedIn(ClaimsPrincipal user) =>
        user.Identities.FirstOrDefault(i => i.AuthenticationType == Scheme && i.IsAuthenticated);

    public static Guid? AccountId(ClaimsIdentity identity) =>
        Guid.TryParse(identity.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var id) ? id : null;
}
