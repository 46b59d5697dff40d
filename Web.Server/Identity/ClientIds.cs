using System.Security.Claims;

namespace Clap2Diffusion.Server.Identity;

/// <summary>The anonymous per-browser id: its cookie, its header, its claim, and what a valid one looks like.</summary>
public static class ClientIds
{
    public const string CookieName = "c2d-client";
    public const string HeaderName = "X-Client-Id";
    public const string ClaimType = "c2d:client";
    public const string Scheme = "c2d-client";

    /// <summary>Where the middleware leaves a freshly issued id, so the request that got it already has it.</summary>
    internal const string IssuedItem = "c2d:issued-client";

    public static string NewId() => Guid.NewGuid().ToString("N");

    public static bool IsValid(string? value) =>
        value is { Length: >= 8 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string? Of(ClaimsPrincipal user) => user.FindFirst(ClaimType)?.Value;
}
