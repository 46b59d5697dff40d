using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>
/// One pair shown to one participant: its place in their order, the side drawn for the target image, the
/// opaque tokens its images and clip are served under, and the vote. One per participant and item.
/// </summary>
public sealed class TrialEntity
{
    public Guid Id { get; set; }

    public Guid ParticipantId { get; set; }

    public Guid ItemId { get; set; }

    public StudyItemEntity? Item { get; set; }

    public int Order { get; set; }

    public bool TargetOnLeft { get; set; }

    public required string LeftToken { get; set; }

    public required string RightToken { get; set; }

    public required string AudioToken { get; set; }

    public DateTime? ShownAt { get; set; }

    public DateTime? AudioPlayedAt { get; set; }

    public StudyChoice? Choice { get; set; }

    public DateTime? VotedAt { get; set; }

    /// <summary>Votes refused on this trial for coming sooner than its clip could have been heard.</summary>
    public int TooFastVotes { get; set; }
}
