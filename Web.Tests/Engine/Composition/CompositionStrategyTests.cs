using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Tests.Engine.Composition;

public sealed class CompositionStrategyTests
{
    private static RelationAssessment Conflicting(params AudioLevel[] levels) => new(PromptAudioRelation.Contradictory, 0.2,
        levels.Select(l => new LevelRelation(l, "audio", 0.6, "prompt", PromptAudioRelation.Contradictory)).ToList());

    [Fact]
    public void A_conflicting_level_quiets_the_unet_level_its_tokens_are_routed_to()
    {
        var strategy = new CompositionStrategy(0.25);
        var requested = new AudioStrength(0.8, 1.0, 1.0, 1.0);
        var adapted = strategy.Adapt(requested, Conflicting(AudioLevel.Ambience), V4AdapterConfig.Sd15);
        Assert.Equal(new AudioStrength(0.8, 1.0, 1.0, 0.25), adapted);
        adapted = strategy.Adapt(requested, Conflicting(AudioLevel.Foreground), V4AdapterConfig.Sd15);
        Assert.Equal(new AudioStrength(0.8, 0.25, 1.0, 1.0), adapted);
    }

    [Fact]
    public void A_level_without_its_own_route_is_reached_through_the_full_tokens()
    {
        // SD 1.5's routing sends background tokens nowhere directly; the mid block hears them in the full set.
        var adapted = new CompositionStrategy(0.5).Adapt(new AudioStrength(), Conflicting(AudioLevel.Background), V4AdapterConfig.Sd15);
        Assert.Equal(new AudioStrength(1.0, 1.0, 0.5, 1.0), adapted);
    }

    [Fact]
    public void Agreeing_relations_keep_the_requested_strengths_and_factor_one_turns_the_strategy_off()
    {
        var requested = new AudioStrength(0.7, 0.9, 1.1, 1.2);
        var matching = new RelationAssessment(PromptAudioRelation.Matching, 0.6,
            [new LevelRelation(AudioLevel.Foreground, "dog", 0.7, "dog", PromptAudioRelation.Matching)]);
        Assert.Equal(requested, new CompositionStrategy().Adapt(requested, matching, V4AdapterConfig.Sd15));
        Assert.Equal(requested, new CompositionStrategy(1.0).Adapt(requested, Conflicting(AudioLevel.Foreground, AudioLevel.Ambience), V4AdapterConfig.Sd15));
    }
}
