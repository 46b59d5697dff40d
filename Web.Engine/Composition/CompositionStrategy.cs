using System.Globalization;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Unets;

namespace Clap2Diffusion.Engine.Composition;

/// <summary>
/// Adapts per-level audio strength to the relation. Text says what, audio says where and how: where the prompt
/// and the sound disagree about a level, the UNet level that level is routed to hears the audio less, so the
/// prompt's element wins there while the rest of the sound still shapes the scene (a level without its
/// own route is reached through the levels that receive the full tokens). Other relations keep the
/// requested strengths. <see cref="ContradictoryStrength"/> is configuration (<c>Composition:ContradictoryStrength</c>,
/// <c>--contradictory-strength</c>): 0 gives text complete priority on a conflicting level, 1 turns the strategy off.
/// </summary>
public sealed record CompositionStrategy
{
    /// <summary>The design's factor: a conflicting level keeps about a third of its audio.</summary>
    public const double DefaultContradictoryStrength = 0.35;

    public CompositionStrategy(double contradictoryStrength = DefaultContradictoryStrength)
    {
        if (Problem(contradictoryStrength) is { } problem)
            throw new ArgumentOutOfRangeException(nameof(contradictoryStrength), contradictoryStrength, problem);
        ContradictoryStrength = contradictoryStrength;
    }

    /// <summary>The factor a conflicting level's UNet strength is multiplied by, in [0, 1].</summary>
    public double ContradictoryStrength { get; }

    /// <summary>Why <paramref name="value"/> cannot be a contradictory strength, or null when it can.</summary>
    public static string? Problem(double value) =>
        double.IsFinite(value) && value is >= 0 and <= 1
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"must lie in 0..1 (0: the prompt wins a conflicting level outright, 1: no adaptation), not {value}");

    /// <summary>The strategy for a value the user gave under <paramref name="name"/> (an option or a setting key), refusing a bad one by that name.</summary>
    public static CompositionStrategy FromSetting(double value, string name) =>
        Problem(value) is { } problem ? throw new InputException($"{name} {problem}") : new CompositionStrategy(value);

    public AudioStrength Adapt(AudioStrength requested, RelationAssessment assessment, V4AdapterConfig routing)
    {
        var adapted = requested;
        foreach (var level in assessment.ConflictingLevels)
        {
            var source = level.Name();
            // A level whose tokens no UNet level receives directly reaches the UNet through the full tokens.
            var target = UNetLevels.All.Any(unetLevel => routing.SourceFor(unetLevel) == source) ? source : V4AdapterConfig.FullTokens;
            foreach (var unetLevel in UNetLevels.All.Where(unetLevel => routing.SourceFor(unetLevel) == target))
                adapted = adapted.Scaled(unetLevel, ContradictoryStrength);
        }
        return adapted;
    }
}
