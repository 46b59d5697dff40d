using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Unets;

/// <summary>The SD 1.5 UNet architecture with seeded random weights (about 3.4 GB in float32), built once.</summary>
public sealed class Sd15UNetFixture : IDisposable
{
    public Sd15UNetFixture()
    {
        set_num_threads(Environment.ProcessorCount);
        UNet = new UNet2DConditionModel(UNet2DConditionModelConfig.StableDiffusion15);
        RandomWeights.Initialize(UNet, seed: 15);
    }

    public UNet2DConditionModel UNet { get; }

    public void Dispose()
    {
        UNet.Dispose();
        set_num_threads(1);
    }
}

[Collection(Sd15SizeCollection.Name)]
public sealed class StableDiffusion15UNetTests(Sd15UNetFixture fixture) : IClassFixture<Sd15UNetFixture>
{
    private sealed class CountingHook : ITransformerBlockHook
    {
        public List<TransformerBlockSite> Sites { get; } = [];

        public Tensor? AfterCrossAttention(TransformerBlockSite site, Tensor hiddenStates)
        {
            Sites.Add(site);
            return null;
        }
    }

    [Fact]
    public void A_forward_at_small_latents_runs_and_calls_the_hook_at_all_16_transformer_blocks()
    {
        var hook = new CountingHook();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(7);

        var result = fixture.UNet.forward(randn([2, 4, 8, 8], generator: generator), tensor(new long[] { 999, 1 }),
            randn([2, 77, 768], generator: generator), new UNetHooks { TransformerBlocks = hook });

        Assert.Equal([2L, 4, 8, 8], result.shape);
        Assert.True(result.isfinite().all().item<bool>());
        Assert.Equal(16, hook.Sites.Count);
        Assert.Equal([6, 1, 9], new[] { UNetLevel.Down, UNetLevel.Mid, UNetLevel.Up }.Select(l => hook.Sites.Count(s => s.Level == l)));
        Assert.Equal([320L, 320, 640, 640, 1280, 1280, 1280, 1280, 1280, 1280, 640, 640, 640, 320, 320, 320], hook.Sites.Select(s => s.Channels));
        Assert.All(hook.Sites, s => Assert.Equal((8L, 768L), (s.Heads, s.CrossAttentionDim)));
    }

    [Fact]
    public void Latents_of_an_odd_size_keep_their_size()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var result = fixture.UNet.forward(randn(1, 4, 9, 7), 500.0, randn(1, 77, 768));

        Assert.Equal([1L, 4, 9, 7], result.shape);
    }

    [Fact]
    public void Untrained_full_size_v4_adapters_leave_the_output_exactly_unchanged()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(11);
        manual_seed(11);
        using var adapters = new AudioAdapters(V4AdapterConfig.Sd15, fixture.UNet.TransformerBlockSites);
        var sample = randn([2, 4, 8, 8], generator: generator);
        var timestep = tensor(new long[] { 999, 1 });
        var context = randn([2, 77, 768], generator: generator);
        var audio = randn([2, 512], generator: generator);

        var baseline = fixture.UNet.forward(sample, timestep, context);
        using var tokens = adapters.audio_encoder.forward(audio, null);
        var hook = new AudioAdapterHook(adapters, tokens, ones(2), new AudioStrength());
        var withAudio = fixture.UNet.forward(sample, timestep, context, new UNetHooks { TransformerBlocks = hook });

        Assert.Equal(16, adapters.Sites.Count());
        Assert.True(baseline.eq(withAudio).all().item<bool>(), "the SD 1.5 V4 UNet differs from the base UNet at initialisation");

        // The hook is live: once the gates open, the same call differs.
        foreach (var site in adapters.Sites)
            adapters.For(site)!.gate.fill_(0.5f);
        var gated = fixture.UNet.forward(sample, timestep, context, new UNetHooks { TransformerBlocks = hook });
        Assert.False(baseline.eq(gated).all().item<bool>());
    }
}
