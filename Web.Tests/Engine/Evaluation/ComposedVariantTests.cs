using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

/// <summary>
/// The audio_composed variant runs the real pipeline with the composition strategy on: where the pipeline finds a
/// conflict it draws another image than the plain audio variant, elsewhere the same one, and at strength 1 (the
/// strategy off) always the same one.
/// </summary>
public sealed class ComposedVariantTests
{
    private static readonly DemoEvaluationSource Source = new(perRelation: 3, seed: 0);

    private static List<(PromptAudioRelation? Assigned, bool SameImage)> Compare(double contradictoryStrength)
    {
        using var generator = new PipelinePairGenerator(ClapDiffusionPipeline.Load(new PipelineOptions(EmbeddedModel.Require(null),
            Target: ComputeTarget.Cpu, Composition: new CompositionStrategy(contradictoryStrength))), steps: 2);
        var results = new List<(PromptAudioRelation?, bool)>();
        foreach (var evaluationCase in Source.Cases.Where(c => c.Relation is PromptAudioRelation.Contradictory or PromptAudioRelation.Complementary))
        {
            PairGeneration Make(PairVariant variant) => generator.Generate(
                new PairRequest(evaluationCase.Id, evaluationCase.Prompt, Source.Audio(evaluationCase), evaluationCase.Seed, variant));
            var plain = Make(PairVariant.Audio);
            var composed = Make(PairVariant.AudioComposed);
            results.Add((plain.AssignedRelation, plain.Image.Pixels.AsSpan().SequenceEqual(composed.Image.Pixels)));
        }
        return results;
    }

    [Fact]
    public void Only_a_pair_the_pipeline_finds_contradictory_changes_and_only_while_the_strategy_is_on()
    {
        var on = Compare(CompositionStrategy.DefaultContradictoryStrength);
        var off = Compare(1.0);

        Assert.Contains(on, r => r.Assigned == PromptAudioRelation.Contradictory);
        Assert.All(on, r => Assert.Equal(r.Assigned != PromptAudioRelation.Contradictory, r.SameImage));
        Assert.All(off, r => Assert.True(r.SameImage));
    }

    [Fact]
    public void The_variant_has_its_name_and_is_the_only_one_that_composes()
    {
        Assert.Equal(PairVariant.AudioComposed, PairVariants.Parse("audio_composed"));
        Assert.Equal([PairVariant.Audio, PairVariant.AudioComposed], PairVariants.ParseList("audio_composed,audio"));
        Assert.Equal([PairVariant.AudioComposed], PairVariants.All.Where(v => v.ComposesByRelation()));
        Assert.True(PairVariant.AudioComposed.UsesAudio());
    }
}
