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

    public StudyAccess Access { get; set; }

    /// <summary>Panel mode: the link parameter that carries the panel's participant id.</summary>
    public string PanelIdParameter { get; set; } = StudyDraft.DefaultPanelIdParameter;

    /// <summary>Shown when a participant finishes; a panel pays those who bring it back.</summary>
    public string? CompletionCode { get; set; }

    /// <summary>Where the finished page sends the participant (Prolific's completion link), if anywhere.</summary>
    public string? CompletionUrl { get; set; }

    /// <summary>A vote may come this much sooner after its trial was shown than the clip is long.</summary>
    public double ListeningToleranceSeconds { get; set; } = StudyDraft.DefaultListeningTolerance;

    /// <summary>What went wrong while preparing (a pair that failed to generate), for the admin.</summary>
    public string? Problem { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<StudyItemEntity> Items { get; set; } = [];

    public List<ParticipantEntity> Participants { get; set; } = [];

    public List<InvitationEntity> Invitations { get; set; } = [];
}
