using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Adapters;

/// <summary>A tiny SD-shaped UNet with seeded weights and V4 adapters sized for it.</summary>
internal static class V4Fixture
{
    public const int ContextDim = 16;
    public const int ClapDim = 12;

    public static UNet2DConditionModelConfig TinyUNet { get; } = new()
    {
        SampleSize = 8,
        BlockOutChannels = [8, 16, 16],
        DownBlockTypes = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
        UpBlockTypes = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
        LayersPerBlock = 1,
        CrossAttentionDim = ContextDim,
        AttentionHeadDim = 2,
        NormNumGroups = 4,
    };

    public static V4AdapterConfig TinyAdapters { get; } = new()
    {
        ClapDim = ClapDim,
        CrossAttentionDim = ContextDim,
        NumAudioTokens = 7,
        ProjectorDim = 8,
        ProjectorHeads = 2,
        AdapterHeads = 2,
    };

    public static UNet2DConditionModel UNet(long seed = 5)
    {
        var unet = new UNet2DConditionModel(TinyUNet);
        RandomWeights.Initialize(unet, seed);
        unet.eval();
        foreach (var parameter in unet.parameters())
            parameter.requires_grad = false;
        return unet;
    }

    public static AudioAdapters Adapters(UNet2DConditionModel unet, V4AdapterConfig? config = null, long seed = 9)
    {
        manual_seed(seed);
        return new AudioAdapters(config ?? TinyAdapters, unet.TransformerBlockSites);
    }

    public static (Tensor Sample, Tensor Timestep, Tensor Context, Tensor Audio) Inputs(int batch = 2, long seed = 1)
    {
        var generator = new Generator((ulong)seed);
        return (randn([batch, 4, 8, 8], generator: generator), tensor(new long[] { 500 }),
            randn([batch, 7, ContextDim], generator: generator), randn([batch, ClapDim], generator: generator));
    }

    public static void SetGates(AudioAdapters adapters, float value)
    {
        using var noGrad = no_grad();
        foreach (var site in adapters.Sites)
            adapters.For(site)!.gate.fill_(value);
    }
}
