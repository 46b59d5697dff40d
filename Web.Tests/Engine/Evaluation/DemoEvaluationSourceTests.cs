using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

public sealed class DemoEvaluationSourceTests
{
    [Fact]
    public void Cases_take_the_relations_in_turn_with_the_requested_number_of_each()
    {
        var source = new DemoEvaluationSource(seed: 4);

        Assert.Equal(100, source.Cases.Count);
        Assert.Equal(["matching-000", "complementary-000", "creative-000", "contradictory-000", "matching-001"], source.Cases.Take(5).Select(c => c.Id));
        Assert.All(Enum.GetValues<PromptAudioRelation>(), r => Assert.Equal(25, source.Cases.Count(c => c.Relation == r)));
        Assert.Equal(Enumerable.Range(4, 100).Select(i => (long)i), source.Cases.Select(c => c.Seed));
        Assert.Equal(100, source.Cases.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void A_limit_keeps_the_first_cases_so_every_relation_still_appears()
    {
        var full = new DemoEvaluationSource(3, seed: 1);
        var limited = new DemoEvaluationSource(3, seed: 1, limit: 6);

        Assert.Equal(full.Cases.Take(6), limited.Cases);
        Assert.Equal([2, 2, 1, 1], Enum.GetValues<PromptAudioRelation>().Select(r => limited.Cases.Count(c => c.Relation == r)));
        Assert.Contains("limited to 6 cases", limited.Description);
    }

    [Fact]
    public void The_seed_fixes_every_case_and_another_seed_changes_them()
    {
        Assert.Equal(new DemoEvaluationSource(5, seed: 8).Cases, new DemoEvaluationSource(5, seed: 8).Cases);
        Assert.NotEqual(new DemoEvaluationSource(5, seed: 8).Cases.Select(c => c.Prompt), new DemoEvaluationSource(5, seed: 9).Cases.Select(c => c.Prompt));
    }

    [Fact]
    public void Each_relation_relates_prompt_and_audio_as_the_demo_world_defines_it()
    {
        var source = new DemoEvaluationSource(10, seed: 2);

        foreach (var c in source.Cases)
        {
            var scene = SceneLabels.SceneOf(c.AudioLabels!);
            var expected = SceneLabels.SceneOf(c.ExpectedLabels!);
            Assert.StartsWith(scene.ObjectPhrase, c.Prompt);
            Assert.Equal(scene.ObjectPhrase, expected.ObjectPhrase);
            foreach (var element in scene.SceneElements)
                Assert.Contains(element, c.AudioCaption.ToLowerInvariant());
            switch (c.Relation)
            {
                case PromptAudioRelation.Complementary:
                    Assert.Equal(scene.ObjectPhrase, c.Prompt);
                    Assert.Equal(scene, expected);
                    break;
                case PromptAudioRelation.Creative:
                    Assert.Equal(scene.SceneElements.Count() + 1, expected.SceneElements.Count());
                    break;
                default:
                    Assert.Equal(scene, expected);
                    break;
            }
        }
    }

    [Fact]
    public void Audio_is_synthesised_on_first_use_and_reference_images_render_the_expected_scene()
    {
        var source = new DemoEvaluationSource(1, seed: 3);
        var first = source.Cases[0];

        var audio = source.Audio(first);
        var again = source.Audio(first);

        Assert.Equal(first.Id, audio.Id);
        Assert.Null(audio.Path);
        Assert.Equal(DemoEvaluationSource.SampleRate, audio.SampleRate);
        Assert.Equal(480_000, audio.Samples!.Length);
        Assert.Equal(audio.Samples, again.Samples);
        Assert.NotEqual(audio.Samples, source.Audio(source.Cases[1]).Samples);

        var reference = source.ReferenceImage(first, 96)!;
        Assert.Equal((96, 96), (reference.Width, reference.Height));
        Assert.Equal(reference.Pixels, source.ReferenceImage(first, 96)!.Pixels);
        Assert.NotEqual(reference.Pixels, source.ReferenceImage(source.Cases[1], 96)!.Pixels);
    }

    [Fact]
    public void Bad_sizes_and_seeds_are_refused()
    {
        Assert.Throws<InputException>(() => new DemoEvaluationSource(0));
        Assert.Throws<InputException>(() => new DemoEvaluationSource(DemoEvaluationSource.MaxPerRelation + 1));
        Assert.Throws<InputException>(() => new DemoEvaluationSource(2, limit: 0));
        Assert.Throws<InputException>(() => new DemoEvaluationSource(2, seed: -1));
    }
}
