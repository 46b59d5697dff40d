using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Imaging;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// One prompt-audio pair of an evaluation. <see cref="Relation"/> is known for the demo world and null for a
/// dataset (there the pipeline's assigned relation groups the results).
/// </summary>
/// <param name="Id">A file-name-safe id, unique within the run.</param>
/// <param name="AudioCaption">The caption of the case's own audio, which alignment scores the image against.</param>
/// <param name="Seed">The generation seed shared by every variant of the case.</param>
public sealed record EvaluationCase(string Id, string Prompt, string AudioCaption, long Seed, PromptAudioRelation? Relation)
{
    /// <summary>Demo world: the scene the audio was synthesised from.</summary>
    public DemoScene? AudioScene { get; init; }

    /// <summary>Demo world: the scene a good image shows (the prompt's object, the audio's scene, what a creative prompt adds).</summary>
    public DemoScene? Expected { get; init; }
}

/// <summary>Where an evaluation's cases, their sounds and the FID reference images come from.</summary>
public interface IEvaluationSource
{
    /// <summary>"demo" or "audiocaps".</summary>
    string Kind { get; }

    string Description { get; }

    IReadOnlyList<EvaluationCase> Cases { get; }

    /// <summary>Names the FID reference set in reports.</summary>
    string ReferenceName { get; }

    EvaluationAudio Audio(EvaluationCase evaluationCase);

    /// <summary>The case's FID reference image, rendered or loaded at about <paramref name="size"/> pixels; null when the source has none.</summary>
    RgbImage? ReferenceImage(EvaluationCase evaluationCase, int size);
}
