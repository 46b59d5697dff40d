using System.ComponentModel.DataAnnotations;

namespace Clap2Diffusion.Server.Accounts;

/// <summary>
/// The "Admin" section. There is no default password: the first admin comes from <see cref="Email"/> and
/// <see cref="Password"/> (<c>Admin__Email</c>, <c>Admin__Password</c>) at first start, or from
/// <c>create-admin</c>.
/// </summary>
public sealed class AccountOptions
{
    public const string Section = "Admin";

    public string? Email { get; set; }

    public string? Password { get; set; }

    /// <summary>Wrong passwords in a row for one account from one client address before that address is locked out of it.</summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a sign-in lasts without activity.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The longest an address waits after its own failed sign-ins (it backs off 1 s, 2 s, 4 s... up to this).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an open admin page checks that its sign-in still holds (account, role, session).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);

    [Range(8, 256)]
    public int MinPasswordLength { get; set; } = 12;
}
