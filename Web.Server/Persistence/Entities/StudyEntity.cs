using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>A blind pairwise study. <see cref="JoinCode"/> is the participants' link; it says nothing about the study's content.</summary>
public sealed class StudyEntity
{
    public Guid Id { get; set; }

    public required string JoinCode { get; set; }

    public required string Name { get; set; }

    public required string Instructions { get; set; }

    public StudyState State { get; set; }

    public int TargetRatings { get; set; }

    public int AttentionChecks { get; set; }

    /// <summary>Null: every participant rates every pair.</summary>
    public int? PairsPerParticipant { get; set; }

    /// <summary>What went wrong while preparing (a pair that failed to generate), for the admin.</summary>
    public string? Problem { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<StudyItemEntity> Items { get; set; } = [];

    public List<ParticipantEntity> Participants { get; set; } = [];
}
