using Clap2Diffusion.Engine.Composition;
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
    /// <summary>A synthetic world: the labels (<see cref="SceneAttributes"/>) of the scene the audio was synthesised from.</summary>
    public IReadOnlyDictionary<string, string>? AudioLabels { get; init; }

    /// <summary>A synthetic world: the labels of the scene a good image shows (the prompt's object, the audio's scene, what a creative prompt adds).</summary>
    public IReadOnlyDictionary<string, string>? ExpectedLabels { get; init; }

    /// <summary>
    /// A synthetic world: the scene element the prompt itself names beyond its object, by level (a creative prompt's
    /// addition, a contradictory prompt's rival to the audio's element); null when it names none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? PromptLabels { get; init; }

    // Two cases are equal when their labels are, not when they share the dictionaries.
    public bool Equals(EvaluationCase? other) =>
        other is not null && Id == other.Id && Prompt == other.Prompt && AudioCaption == other.AudioCaption && Seed == other.Seed
        && Relation == other.Relation && SameLabels(AudioLabels, other.AudioLabels) && SameLabels(ExpectedLabels, other.ExpectedLabels)
        && SameLabels(PromptLabels, other.PromptLabels);

    public override int GetHashCode() => HashCode.Combine(Id, Prompt, AudioCaption, Seed, Relation);

    private static bool SameLabels(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Count == b.Count && a.All(label => b.TryGetValue(label.Key, out var value) && value == label.Value);
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
