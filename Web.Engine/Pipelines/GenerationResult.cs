using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Imaging;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>One image a generation made, the parameters its PNG carries, and whether the safety checker flagged it.</summary>
public sealed record GeneratedImage(RgbImage Image, GenerationParameters Parameters, bool Flagged);

/// <summary>
/// The outcome of one generation: the image (audio-conditioned when audio was given), the same-seed text-only
/// baseline for pairs, and everything needed to reproduce each. Both images have passed the safety gate: a flagged
/// one is already blurred or replaced. The pipeline writes each image's parameters; callers never rebuild them.
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

    /// <summary>The parameters written into the baseline's PNG: text-only, no relation, its own safety verdict; null without a baseline.</summary>
    public GenerationParameters? BaselineParameters { get; init; }

    /// <summary>The text-only image: the baseline of a pair, or the image itself when no sound was given; null for an unpaired audio image.</summary>
    public GeneratedImage? TextOnly => Baseline is not null
        ? new GeneratedImage(Baseline, BaselineParameters!, BaselineFlagged)
        : Parameters.Condition == ImageCondition.TextOnly.Name() ? new GeneratedImage(Image, Parameters, ImageFlagged) : null;

    /// <summary>The audio-conditioned image; null when no sound was given.</summary>
    public GeneratedImage? AudioConditioned => Parameters.Condition == ImageCondition.Audio.Name() ? new GeneratedImage(Image, Parameters, ImageFlagged) : null;
}
