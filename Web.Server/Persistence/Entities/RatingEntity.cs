using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>One rater's verdict on one pair; rating again replaces it.</summary>
public sealed class RatingEntity
{
    public Guid JobId { get; set; }

    public required string RaterId { get; set; }

    public AudioVerdict Verdict { get; set; }

    public int? PromptFidelity { get; set; }

    public int? SceneFit { get; set; }

    public DateTime RatedAt { get; set; }
}
