namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>
/// A browser refused a session because its invitation or panel id already had one. One row per study and
/// browser, so reloading the refusal page does not count twice; the results report how many there were.
/// </summary>
public sealed class RefusedSessionEntity
{
    public Guid Id { get; set; }

    public Guid StudyId { get; set; }

    public required string ClientId { get; set; }

    /// <summary>The panel id or "invitation", for the admin reading the database; exports give counts only.</summary>
    public required string Reason { get; set; }

    public DateTime RefusedAt { get; set; }
}
