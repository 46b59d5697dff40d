using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Unets;

/// <summary>The adapter extension point, on unet_mini, which has SD 1.5's block layout.</summary>
public sealed class UNetHooksTests : IDisposable
{
    private readonly UNet2DConditionModel unet = UNet2DConditionModel.FromPretrained(FixtureFolders.Source("unet_mini"), ComputeTarget.Cpu);
    private readonly SafeTensorsFile io = SafeTensorsFile.Open(Path.Combine(FixtureFolders.Source("unet_mini"), "io.safetensors"));

    public void Dispose()
    {
        unet.Dispose();
        io.Dispose();
    }

    private sealed class RecordingHook(Func<Tensor, Tensor?> result) : ITransformerBlockHook
    {
        public List<(TransformerBlockSite Site, long[] Shape)> Calls { get; } = [];

        public Tensor? AfterCrossAttention(TransformerBlockSite site, Tensor hiddenStates)
        {
            Calls.Add((site, hiddenStates.shape));
            return result(hiddenStates);
        }
    }

    private Tensor Run(UNetHooks? hooks)
    {
        using var sample = io.Load("input.sample");
        using var timestep = io.Load("input.timestep");
        using var context = io.Load("input.encoder_hidden_states");
        using var _ = no_grad();
        return unet.forward(sample, timestep, context, hooks);
    }

    [Fact]
    public void A_hook_returning_null_or_zero_leaves_the_output_bit_identical()
    {
        using var plain = Run(null);
        using var withNull = Run(new UNetHooks { TransformerBlocks = new RecordingHook(_ => null) });
        using var withZero = Run(new UNetHooks { TransformerBlocks = new RecordingHook(h => zeros_like(h)) });

        Assert.True(plain.eq(withNull).all().item<bool>());
        Assert.True(plain.eq(withZero).all().item<bool>());
    }

    [Fact]
    public void The_hook_is_called_once_per_transformer_block_with_its_path_and_level()
    {
        var hook = new RecordingHook(_ => null);

        using var result = Run(new UNetHooks { TransformerBlocks = hook });

        string[] expected =
        [
            "down_blocks.0.attentions.0", "down_blocks.0.attentions.1",
            "down_blocks.1.attentions.0", "down_blocks.1.attentions.1",
            "down_blocks.2.attentions.0", "down_blocks.2.attentions.1",
            "mid_block.attentions.0",
            "up_blocks.1.attentions.0", "up_blocks.1.attentions.1", "up_blocks.1.attentions.2",
            "up_blocks.2.attentions.0", "up_blocks.2.attentions.1", "up_blocks.2.attentions.2",
            "up_blocks.3.attentions.0", "up_blocks.3.attentions.1", "up_blocks.3.attentions.2",
        ];
        Assert.Equal(expected.Select(p => p + ".transformer_blocks.0"), hook.Calls.Select(c => c.Site.Path));
        Assert.Equal(Enumerable.Range(0, 16), hook.Calls.Select(c => c.Site.Index));
        Assert.Equal(unet.TransformerBlockSites, hook.Calls.Select(c => c.Site));
        Assert.Equal(6, hook.Calls.Count(c => c.Site.Level == UNetLevel.Down));
        Assert.Equal(1, hook.Calls.Count(c => c.Site.Level == UNetLevel.Mid));
        Assert.Equal(9, hook.Calls.Count(c => c.Site.Level == UNetLevel.Up));

        var first = hook.Calls[0];
        Assert.Equal([2L, 16 * 16, 32], first.Shape);
        Assert.Equal((0, 32L, 8L, 32L, 0), (first.Site.BlockIndex, first.Site.Channels, first.Site.Heads, first.Site.CrossAttentionDim, first.Site.Downsamplings));
        var mid = hook.Calls[6];
        Assert.Equal([2L, 2 * 2, 64], mid.Shape);
        Assert.Equal(3, mid.Site.Downsamplings);
        var last = hook.Calls[^1];
        Assert.Equal((3, 0), (last.Site.BlockIndex, last.Site.Downsamplings));
    }

    [Fact]
    public void What_the_hook_returns_is_added_to_the_block_stream()
    {
        using var plain = Run(null);
        var calls = 0;
        var hook = new RecordingHook(h => calls++ == 0 ? full_like(h, 0.5) : null);

        using var nudged = Run(new UNetHooks { TransformerBlocks = hook });

        Assert.False(plain.allclose(nudged, rtol: 0, atol: 1e-3));
        Assert.Equal(16, hook.Calls.Count);
    }
}
