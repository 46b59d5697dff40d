using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Imaging;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>
/// The outcome of one generation: the image (audio-conditioned when audio was given), the same-seed text-only
/// baseline for pairs, and everything needed to reproduce it. Both images have passed the safety gate: a flagged
/// one is already blurred or replaced.
/// </summary>
public sealed record GenerationResult(
    RgbImage Image,
    RgbImage? Baseline,
    GenerationParameters Parameters,
    RelationAssessment? Relation,
    TimeSpan Elapsed)
{
    public bool ImageFlagged { get; init; }

    public bool BaselineFlagged { get; init; }

    /// <summary>The baseline's safety verdict (<see cref="GenerationParameters.Safety"/>); null without a baseline.</summary>
    public string? BaselineSafety { get; init; }

    /// <summary>The parameters written into the baseline's PNG: text-only, no relation, its own safety verdict.</summary>
    public GenerationParameters? BaselineParameters =>
        Baseline is null ? null : Parameters with { Condition = "text-only", Relation = null, Safety = BaselineSafety ?? SafetyScreening.Unchecked };
}
