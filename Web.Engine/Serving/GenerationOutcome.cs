using Clap2Diffusion.Engine.Composition;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// What a finished job made. The PNGs carry their generation parameters, embedded by the engine; an image the safety
/// checker flagged is already blurred or replaced, and its flag says so.
/// </summary>
/// <param name="TextOnlyPng">The text-only image (for a pair, its same-seed baseline).</param>
/// <param name="AudioConditionedPng">The audio-conditioned image of a pair; null for a text-only job.</param>
/// <param name="Seed">The seed used (the one in the work's settings).</param>
/// <param name="Relation">The relation class of the pair; null for a text-only job.</param>
/// <param name="Stages">Where the time went (text encoding, audio encoding, denoising, decoding...).</param>
public sealed record GenerationOutcome(
    byte[] TextOnlyPng,
    byte[]? AudioConditionedPng,
    long Seed,
    PromptAudioRelation? Relation,
    IReadOnlyList<StageTiming> Stages)
{
    public bool TextOnlyFlagged { get; init; }

    public bool AudioConditionedFlagged { get; init; }
}
