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

    /// <summary>Failed sign-ins since the last success or lockout.</summary>
    public int FailedSignIns { get; set; }

    public DateTime? LockedUntil { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastSignInAt { get; set; }
}
