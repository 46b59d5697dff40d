using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Unets;

namespace Clap2Diffusion.Engine.Composition;

/// <summary>
/// Adapts per-level audio strength to the relation. Text says what, audio says where and how: where the prompt
/// and the sound disagree about a level, the UNet level that level is routed to hears the audio less, so the
/// prompt's element wins there while the rest of the sound still shapes the scene (a level without its
/// own route is reached through the levels that receive the full tokens). Other relations keep the
/// requested strengths. The factor is configuration (0 gives text complete priority, 1 turns the strategy off).
/// </summary>
public sealed record CompositionStrategy(double ContradictionFactor = 0.35)
{
    public AudioStrength Adapt(AudioStrength requested, RelationAssessment assessment, V4AdapterConfig routing)
    {
        var adapted = requested;
        foreach (var level in assessment.ConflictingLevels)
        {
            var source = level.Name();
            // A level whose tokens no UNet level receives directly reaches the UNet through the full tokens.
            var target = UNetLevels.All.Any(unetLevel => routing.SourceFor(unetLevel) == source) ? source : V4AdapterConfig.FullTokens;
            foreach (var unetLevel in UNetLevels.All.Where(unetLevel => routing.SourceFor(unetLevel) == target))
                adapted = adapted.Scaled(unetLevel, ContradictionFactor);
        }
        return adapted;
    }
}
