using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Benchmarks;

public sealed class UNetFlopCounterTests
{
    /// <summary>Two levels (4 and 8 channels), one layer each, 2 heads, context width 6, default mid block.</summary>
    private static readonly UNet2DConditionModelConfig Tiny = new()
    {
        BlockOutChannels = [4, 8],
        DownBlockTypes = ["CrossAttnDownBlock2D", "DownBlock2D"],
        UpBlockTypes = ["UpBlock2D", "CrossAttnUpBlock2D"],
        LayersPerBlock = 1,
        AttentionHeadDim = 2,
        CrossAttentionDim = 6,
        NormNumGroups = 2,
    };

    [Fact]
    public void The_count_for_a_tiny_config_equals_a_hand_count()
    {
        // Batch 1, 4x4 latent (16 pixels, 4 after the downsampler), 3 text tokens, time embedding width 16.
        // Multiply-accumulates, written out module by module:
        long timeEmbedding = 4 * 16 + 16 * 16;
        long convIn = 16 * 4 * 4 * 9;
        long transformer4At16 =
            16 * 4 * 4                                      // proj_in (1x1 conv)
            + 3 * 16 * 4 * 4 + 2 * 16 * 16 * 4 + 16 * 4 * 4 // attn1: q, k, v; q·kᵀ and p·v; to_out
            + 16 * 4 * 4 + 2 * 3 * 6 * 4 + 2 * 16 * 3 * 4 + 16 * 4 * 4 // attn2: q; k, v from 3x6 text; matmuls; to_out
            + 16 * 4 * 32 + 16 * 16 * 4                     // GEGLU projection to 2x4x4, then 16 -> 4
            + 16 * 4 * 4;                                   // proj_out
        long down0 = (16 * 4 * 4 * 9 + 16 * 4 + 16 * 4 * 4 * 9) + transformer4At16 + 4 * 4 * 4 * 9;
        long down1 = 4 * 4 * 8 * 9 + 16 * 8 + 4 * 8 * 8 * 9 + 4 * 4 * 8;
        long resnet8At4 = 4 * 8 * 8 * 9 + 16 * 8 + 4 * 8 * 8 * 9;
        long transformer8At4 =
            4 * 8 * 8
            + 3 * 4 * 8 * 8 + 2 * 4 * 4 * 8 + 4 * 8 * 8
            + 4 * 8 * 8 + 2 * 3 * 6 * 8 + 2 * 4 * 3 * 8 + 4 * 8 * 8
            + 4 * 8 * 64 + 4 * 32 * 8
            + 4 * 8 * 8;
        long mid = resnet8At4 + transformer8At4 + resnet8At4;
        long up0 =
            (4 * 16 * 8 * 9 + 16 * 8 + 4 * 8 * 8 * 9 + 4 * 16 * 8)   // cat(8, skip 8) -> 8
            + (4 * 12 * 8 * 9 + 16 * 8 + 4 * 8 * 8 * 9 + 4 * 12 * 8) // cat(8, skip 4) -> 8
            + 16 * 8 * 8 * 9;                                        // upsampler conv at 4x4
        long up1 =
            (16 * 12 * 4 * 9 + 16 * 4 + 16 * 4 * 4 * 9 + 16 * 12 * 4) + transformer4At16 // cat(8, skip 4) -> 4
            + (16 * 8 * 4 * 9 + 16 * 4 + 16 * 4 * 4 * 9 + 16 * 8 * 4) + transformer4At16; // cat(4, skip 4) -> 4
        long convOut = 16 * 4 * 4 * 9;
        long attentionMatmuls = 2 * (2 * 16 * 16 * 4 + 2 * 16 * 3 * 4) + (2 * 4 * 4 * 8 + 2 * 4 * 3 * 8) + (2 * 16 * 16 * 4 + 2 * 16 * 3 * 4);

        var entries = UNetFlopCounter.Count(Tiny, batch: 1, height: 4, width: 4, tokens: 3);

        Assert.Equal(2 * (timeEmbedding + convIn + down0 + down1 + mid + up0 + up1 + convOut), entries.Sum(e => e.Flops));
        Assert.Equal(2 * attentionMatmuls, entries.Where(e => e.Kind == "attention").Sum(e => e.Flops));
        Assert.Equal(3 * entries.Sum(e => e.Flops), UNetFlopCounter.Count(Tiny, batch: 3, height: 4, width: 4, tokens: 3).Sum(e => e.Flops));
    }

    [Fact]
    public void Every_counted_path_is_one_the_forward_pass_reports()
    {
        var config = Tiny with { BlockOutChannels = [4, 8, 8], DownBlockTypes = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
            UpBlockTypes = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"] };
        using var unet = new UNet2DConditionModel(config);
        var observed = new List<string>();
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var result = unet.forward(randn(1, 4, 7, 5), 10.0, randn(1, 3, 6), new UNetHooks { Observer = (path, _) => observed.Add(path) });

        var counted = UNetFlopCounter.Count(config, 1, 7, 5, 3).Select(e => e.Path).Distinct().ToList();
        Assert.Empty(counted.Except(observed));
        Assert.Equal([1L, 4, 7, 5], result.shape);
    }
}
