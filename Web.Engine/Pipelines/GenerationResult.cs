using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Imaging;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>
/// The outcome of one generation: the image (audio-conditioned when audio was given), the same-seed text-only
/// baseline for pairs, and everything needed to reproduce it.
/// </summary>
public sealed record GenerationResult(
    RgbImage Image,
    RgbImage? Baseline,
    GenerationParameters Parameters,
    RelationAssessment? Relation,
    TimeSpan Elapsed);
