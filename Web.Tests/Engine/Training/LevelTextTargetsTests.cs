using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training;
using Clap2Diffusion.Engine.Training.Data;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Training;

/// <summary>Level targets come from captions alone, through the committed demo CLAP and its anchor sounds.</summary>
public sealed class LevelTextTargetsTests : IDisposable
{
    private readonly ClapConditioner clap = ClapConditioner.Load(Path.Combine(SharedData.RepositoryRoot, "models", "demo", "clap"), ComputeTarget.Cpu);

    public void Dispose() => clap.Dispose();

    [Theory]
    [InlineData("a church bell chimes", AudioLevel.Foreground)]
    [InlineData("chirping birds call", AudioLevel.Foreground)]
    [InlineData("quiet chatter of people goes on", AudioLevel.Background)]
    [InlineData("an engine idles", AudioLevel.Background)]
    [InlineData("ocean waves roll in", AudioLevel.Ambience)]
    [InlineData("heavy rain pours", AudioLevel.Ambience)]
    public void A_phrase_goes_to_the_level_of_the_anchor_sound_it_names(string phrase, AudioLevel expected) =>
        Assert.Equal(expected, LevelTextTargets.LevelOf(phrase, clap));

    [Fact]
    public void A_phrase_naming_no_anchor_goes_nowhere_when_the_clap_folder_disables_text_similarity()
    {
        Assert.True(clap.Anchors.PromptThreshold > 1, "the demo CLAP's composition.json no longer disables text similarity");
        Assert.Null(LevelTextTargets.LevelOf("near silence with faint room tone", clap));
    }

    [Fact]
    public void Each_level_gets_the_normalised_text_embedding_of_its_phrases_and_silent_levels_get_zero()
    {
        var entries = new[]
        {
            Entry("1", "A bell rings as waves crash"),
            Entry("2", "Near silence with faint room tone"),
            Entry("3", "A bell rings and a dog is barking"),
        };
        using var targets = LevelTextTargets.Build(entries, clap);

        using var first = targets.For("1", clap.EmbeddingSize);
        using var bell = nn.functional.normalize(clap.EmbedTexts(["a bell rings"])[0], dim: 0);
        using var waves = nn.functional.normalize(clap.EmbedTexts(["waves crash"])[0], dim: 0);
        Assert.True(first[0].allclose(bell, atol: 1e-5), "the foreground target is not the bell phrase's embedding");
        Assert.Equal(0f, first[1].abs().sum().item<float>());
        Assert.True(first[2].allclose(waves, atol: 1e-5), "the ambience target is not the waves phrase's embedding");

        // The environment names no sound, so it is the place the ambience level reads; nothing else names a level.
        using var quiet = targets.For("2", clap.EmbeddingSize);
        using var roomTone = nn.functional.normalize(clap.EmbedTexts(["faint room tone"])[0], dim: 0);
        Assert.Equal(0f, quiet[0].abs().sum().item<float>());
        Assert.Equal(0f, quiet[1].abs().sum().item<float>());
        Assert.True(quiet[2].allclose(roomTone, atol: 1e-5), "the environment did not reach the ambience target");

        using var noPlace = targets.For("3", clap.EmbeddingSize);
        Assert.Equal(0f, noPlace[2].abs().sum().item<float>());
        Assert.Equal(3, targets.Covered);
        Assert.Equal([3L, clap.EmbeddingSize], targets.For("unknown", clap.EmbeddingSize).shape);
    }

    private static AudioCapsEntry Entry(string id, string caption) =>
        new(id, "clip" + id, "0", caption, null, null, new Dictionary<string, string>());
}
