using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Composition;

namespace Clap2Diffusion.Server.Persistence.Entities;

public enum StudyItemState
{
    /// <summary>Its pair is still being generated.</summary>
    Pending,
    Ready,
    Failed,
}

/// <summary>
/// One pair of a study, or an attention check. The study keeps its own metadata-free copies of the images and
/// the clip (in the study's media folder), so deleting the gallery item does not break the study.
/// <see cref="TargetImage"/> is the audio-conditioned image of a pair, or the intact image of an attention check
/// (whose other image is blank); choosing the target is "improved" for a pair and "passed" for a check.
/// </summary>
public sealed class StudyItemEntity
{
    public Guid Id { get; set; }

    public Guid StudyId { get; set; }

    public bool IsAttentionCheck { get; set; }

    public StudyItemState State { get; set; }

    /// <summary>The generation job the pair came from; null once that job is deleted.</summary>
    public Guid? JobId { get; set; }

    public required string Prompt { get; set; }

    public PromptAudioRelation? Relation { get; set; }

    /// <summary>File names in the study's media folder; never part of a URL.</summary>
    public string? TargetImage { get; set; }

    public string? OtherImage { get; set; }

    public string? Audio { get; set; }

    public string? Problem { get; set; }

    /// <summary>The pair was chosen from the public gallery, so participants may have seen it labelled before the study.</summary>
    public bool FromGallery { get; set; }

    /// <summary>The clip's length: a vote sooner than this after the trial was shown cannot have followed the whole sound.</summary>
    public double AudioSeconds { get; set; }
}
