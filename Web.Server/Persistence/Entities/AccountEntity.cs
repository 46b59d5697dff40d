namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>Someone who may sign in to the admin console. Participants and studio visitors have no account.</summary>
public sealed class AccountEntity
{
    public Guid Id { get; set; }

    /// <summary>Trimmed and lower-cased, so sign-in ignores case.</summary>
    public required string Email { get; set; }

    /// <summary>PBKDF2 hash in ASP.NET Core Identity's format (<c>PasswordHasher</c>), never the password.</summary>
    public required string PasswordHash { get; set; }

    public bool IsAdmin { get; set; }

    /// <summary>Failed sign-ins since the last success, from any address (shown to admins; locking is per address, see <c>SignInThrottle</c>).</summary>
    public int FailedSignIns { get; set; }

    /// <summary>No longer set: a lockout now holds for one account from one address only, in memory.</summary>
    public DateTime? LockedUntil { get; set; }

    /// <summary>
    /// Every sign-in cookie of the account carries this stamp and is valid only while it matches; signing out
    /// replaces it, so a copied cookie stops working at once. Empty until the first sign-in.
    /// </summary>
    public string SessionStamp { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? LastSignInAt { get; set; }
}
