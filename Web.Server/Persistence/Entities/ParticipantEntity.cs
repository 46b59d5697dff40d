namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>
/// One anonymous person in one study. <see cref="ClientId"/> (the browser's anonymous cookie id) lets them
/// resume; a panel id or an invitation, when the study's access mode asks for one, makes them one session only; exports name them only by <see cref="Id"/>, a random id of this study alone.
/// </summary>
public sealed class ParticipantEntity
{
    public Guid Id { get; set; }

    public Guid StudyId { get; set; }

    public required string ClientId { get; set; }

    /// <summary>Panel mode: the panel's participant id, unique within the study.</summary>
    public string? PanelId { get; set; }

    /// <summary>Invitations mode: the single-use link that started this session.</summary>
    public Guid? InvitationId { get; set; }

    public DateTime ConsentedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public List<TrialEntity> Trials { get; set; } = [];
}
