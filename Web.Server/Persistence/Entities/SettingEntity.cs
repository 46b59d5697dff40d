namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>A value the admin console changes at run time (the active models), kept across restarts.</summary>
public sealed class SettingEntity
{
    public required string Key { get; set; }

    public required string Value { get; set; }

    public DateTime UpdatedAt { get; set; }
}
