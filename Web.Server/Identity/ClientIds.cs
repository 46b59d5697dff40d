using System.Security.Claims;

namespace Clap2Diffusion.Server.Identity;

/// <summary>The anonymous per-browser id: its cookie, its header, its claims, and what a valid one looks like.</summary>
public static class ClientIds
{
    public const string CookieName = "c2d-client";
    public const string HeaderName = "X-Client-Id";
    public const string ClaimType = "c2d:client";

    /// <summary>Present when the id came from the client (header or cookie), not made up for one request.</summary>
    public const string HeldClaimType = "c2d:client-held";

    public const string Scheme = "c2d-client";

    /// <summary>Where the middleware leaves the request's <see cref="ClientIdentity"/> for the authentication handler.</summary>
    internal const string IdentityItem = "c2d:client";

    public static string NewId() => Guid.NewGuid().ToString("N");

    public static bool IsValid(string? value) =>
        value is { Length: >= 8 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string? Of(ClaimsPrincipal user) => user.FindFirst(ClaimType)?.Value;

    public static bool Holds(ClaimsPrincipal user) => user.HasClaim(c => c.Type == HeldClaimType);
}
