using System.ComponentModel.DataAnnotations;
using Clap2Diffusion.Engine.Composition;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// The "Composition" section: how the studio's generations (and evaluations' <c>audio_composed</c> variant) adapt
/// the audio to the prompt. Where the prompt and the sound name different things on one level, that level keeps
/// <see cref="ContradictoryStrength"/> of its audio, so the prompt's element wins there.
/// </summary>
public sealed class CompositionOptions : IValidatableObject
{
    public const string Section = "Composition";

    public double ContradictoryStrength { get; set; } = CompositionStrategy.DefaultContradictoryStrength;

    public CompositionStrategy Strategy => new(ContradictoryStrength);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CompositionStrategy.Problem(ContradictoryStrength) is { } problem)
            yield return new ValidationResult($"{Section}:{nameof(ContradictoryStrength)} {problem}.", [nameof(ContradictoryStrength)]);
    }
}
