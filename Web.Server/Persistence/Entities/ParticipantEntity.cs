namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>
/// One anonymous person in one study. <see cref="ClientId"/> (the browser's anonymous cookie id) lets them
/// resume; exports name them only by <see cref="Id"/>, a random id of this study alone.
/// </summary>
public sealed class ParticipantEntity
{
    public Guid Id { get; set; }

    public Guid StudyId { get; set; }

    public required string ClientId { get; set; }

    public DateTime ConsentedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public List<TrialEntity> Trials { get; set; } = [];
}
