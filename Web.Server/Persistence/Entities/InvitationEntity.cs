namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>
/// One single-use link of a study in invitations mode. <see cref="Token"/> is random and carried in the link;
/// <see cref="UsedAt"/> is set when it starts its participant session, after which it starts no other.
/// </summary>
public sealed class InvitationEntity
{
    public Guid Id { get; set; }

    public Guid StudyId { get; set; }

    public required string Token { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? UsedAt { get; set; }
}
