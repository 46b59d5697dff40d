using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Unets;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Adapters;

public sealed class V4AdapterTests
{
    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static Tensor Run(UNet2DConditionModel unet, AudioAdapters? adapters, (Tensor Sample, Tensor Timestep, Tensor Context, Tensor Audio) inputs,
        AudioStrength? strength = null, AudioLevelMask? mask = null, Tensor? rows = null)
    {
        if (adapters is null)
            return unet.forward(inputs.Sample, inputs.Timestep, inputs.Context);
        var tokens = adapters.audio_encoder.forward(inputs.Audio, mask);
        var hook = new AudioAdapterHook(adapters, tokens, rows ?? ones(inputs.Sample.shape[0]), strength ?? new AudioStrength());
        return unet.forward(inputs.Sample, inputs.Timestep, inputs.Context, new UNetHooks { TransformerBlocks = hook });
    }

    [Theory]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    public void Untrained_adapters_leave_the_base_output_exactly_unchanged(string gate)
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet, V4Fixture.TinyAdapters with { GateActivation = gate });
        var inputs = V4Fixture.Inputs();
        using var noGrad = no_grad();

        var baseline = Run(unet, null, inputs);
        var withAudio = Run(unet, adapters, inputs);

        Assert.True(Same(baseline, withAudio), "the V4 UNet differs from the base UNet at initialisation");
    }

    [Fact]
    public void Audio_strength_zero_is_the_text_only_baseline_even_when_trained()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet);
        V4Fixture.SetGates(adapters, 0.7f);
        var inputs = V4Fixture.Inputs();
        using var noGrad = no_grad();

        var baseline = Run(unet, null, inputs);

        Assert.True(Same(baseline, Run(unet, adapters, inputs, AudioStrength.Off)));
        Assert.False(Same(baseline, Run(unet, adapters, inputs)));
    }

    [Fact]
    public void Rows_without_audio_are_computed_exactly_as_the_base_unet()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet);
        V4Fixture.SetGates(adapters, 0.7f);
        var inputs = V4Fixture.Inputs();
        using var noGrad = no_grad();

        var mixed = Run(unet, adapters, inputs, rows: tensor(new float[] { 0, 1 }));
        var baseline = Run(unet, null, inputs);

        Assert.True(Same(mixed[0], baseline[0]));
        Assert.False(Same(mixed[1], baseline[1]));
    }

    private sealed class RecordingHook(AudioAdapterHook inner, List<(TransformerBlockSite Site, long Tokens)> calls, AudioAdapters adapters, HybridAudioTokens tokens)
        : ITransformerBlockHook
    {
        public Tensor? AfterCrossAttention(TransformerBlockSite site, Tensor hiddenStates)
        {
            if (adapters.For(site) is not null)
                calls.Add((site, tokens.For(adapters.SourceFor(site.Level)).shape[1]));
            return inner.AfterCrossAttention(site, hiddenStates);
        }
    }

    [Fact]
    public void Routing_gives_down_blocks_foreground_mid_the_full_tokens_and_up_blocks_ambience()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet);
        var inputs = V4Fixture.Inputs();
        var calls = new List<(TransformerBlockSite Site, long Tokens)>();
        using var noGrad = no_grad();
        var tokens = adapters.audio_encoder.forward(inputs.Audio);
        var hook = new RecordingHook(new AudioAdapterHook(adapters, tokens, ones(2), new AudioStrength()), calls, adapters, tokens);

        unet.forward(inputs.Sample, inputs.Timestep, inputs.Context, new UNetHooks { TransformerBlocks = hook });

        Assert.Equal(unet.TransformerBlockSites.Count, calls.Count);
        Assert.All(calls.Where(c => c.Site.Level == UNetLevel.Down), c => Assert.Equal(5, c.Tokens));
        Assert.All(calls.Where(c => c.Site.Level == UNetLevel.Mid), c => Assert.Equal(7, c.Tokens));
        Assert.All(calls.Where(c => c.Site.Level == UNetLevel.Up), c => Assert.Equal(2, c.Tokens));
        Assert.Equal([UNetLevel.Down, UNetLevel.Mid, UNetLevel.Up], calls.Select(c => c.Site.Level).Distinct());
    }

    [Fact]
    public void Disabling_a_level_removes_exactly_its_effect()
    {
        using var unet = V4Fixture.UNet();
        using var everywhere = V4Fixture.Adapters(unet, seed: 4);
        using var withoutDown = V4Fixture.Adapters(unet, V4Fixture.TinyAdapters.WithSonicDiffusionPlacement(), seed: 4);
        withoutDown.load_state_dict(everywhere.state_dict(), strict: false);
        V4Fixture.SetGates(everywhere, 0.5f);
        V4Fixture.SetGates(withoutDown, 0.5f);
        var inputs = V4Fixture.Inputs();
        using var noGrad = no_grad();

        var placementOff = Run(unet, withoutDown, inputs);
        var strengthOff = Run(unet, everywhere, inputs, new AudioStrength(Down: 0));

        Assert.DoesNotContain(withoutDown.Sites, s => s.Level == UNetLevel.Down);
        Assert.True(Same(placementOff, strengthOff));
        Assert.False(Same(placementOff, Run(unet, everywhere, inputs)));
    }

    [Fact]
    public void Nulling_a_level_changes_the_audio_tokens_of_every_route()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet);
        var inputs = V4Fixture.Inputs();
        using var noGrad = no_grad();

        var all = adapters.audio_encoder.forward(inputs.Audio);
        var noBackground = adapters.audio_encoder.forward(inputs.Audio, new AudioLevelMask(Background: false));

        Assert.False(Same(all.Full, noBackground.Full));
        Assert.False(Same(all.Foreground, noBackground.Foreground));
        Assert.Equal([2L, 7, V4Fixture.ContextDim], all.Full.shape);
    }

    [Fact]
    public void Projector_blocks_are_chained_so_every_block_shapes_the_output()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet);
        var inputs = V4Fixture.Inputs();
        using var noGrad = no_grad();
        var before = adapters.audio_encoder.forward(inputs.Audio).Full.clone();

        foreach (var block in adapters.audio_encoder.projector)
        {
            using var snapshot = block.attn.to_v.state_dict()["weight"].clone();
            block.attn.to_v.state_dict()["weight"].mul_(3);
            Assert.False(Same(before, adapters.audio_encoder.forward(inputs.Audio).Full), "a projector block has no effect on the output");
            block.attn.to_v.state_dict()["weight"].copy_(snapshot);
        }
    }

    [Fact]
    public void With_exclusive_levels_a_level_reaches_only_its_own_slots_and_the_full_tokens()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet, V4Fixture.TinyAdapters with { ExclusiveLevels = true });
        var inputs = V4Fixture.Inputs();
        using var noGrad = no_grad();

        var all = adapters.audio_encoder.forward(inputs.Audio);
        var noBackground = adapters.audio_encoder.forward(inputs.Audio, new AudioLevelMask(Background: false));

        Assert.True(Same(all.Foreground, noBackground.Foreground), "background content leaked into the foreground slots");
        Assert.True(Same(all.Ambience, noBackground.Ambience), "background content leaked into the ambience slots");
        Assert.False(Same(all.Background, noBackground.Background));
        Assert.False(Same(all.Full, noBackground.Full));
    }

    [Fact]
    public void Level_views_give_each_level_its_own_reading_of_the_embedding()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet, V4Fixture.TinyAdapters with { LevelViews = true, ExclusiveLevels = true });
        var inputs = V4Fixture.Inputs();
        using var noGrad = no_grad();

        var views = adapters.audio_encoder.LevelViews(inputs.Audio);
        var before = adapters.audio_encoder.forward(inputs.Audio);
        adapters.audio_encoder.background_view!.state_dict()["weight"].mul_(2);
        var after = adapters.audio_encoder.forward(inputs.Audio);

        Assert.Equal([2L, 3, V4Fixture.TinyAdapters.ClapDim], views.shape);
        Assert.Contains("audio_encoder.ambience_view.weight", adapters.state_dict().Keys);
        Assert.True(Same(before.Foreground, after.Foreground), "the background view changed the foreground tokens");
        Assert.False(Same(before.Background, after.Background));
    }

    [Fact]
    public void Without_level_views_every_level_reads_the_whole_embedding_and_the_keys_stay_as_before()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet);
        var inputs = V4Fixture.Inputs();
        using var noGrad = no_grad();

        var views = adapters.audio_encoder.LevelViews(inputs.Audio);

        for (var level = 0; level < 3; level++)
            Assert.True(Same(views.select(1, level), inputs.Audio));
        Assert.DoesNotContain(adapters.state_dict().Keys, k => k.EndsWith("_view.weight", StringComparison.Ordinal));
    }
}
