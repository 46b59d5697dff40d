using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Clap;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Models.Unets;

namespace Clap2Diffusion.Engine.Demo.Build;

/// <summary>
/// The demo model's configurations: the real classes at a size that trains on two CPU cores in the build's
/// budget and draws a 64x64 image in well under two seconds. 64-pixel images, a 4x VAE (16x16x4 latents), a
/// 64-wide text encoder, and a small HTSAT CLAP on 16 kHz, 32-mel, 5-second clips.
/// </summary>
public static class DemoArchitecture
{
    public const int ImageSize = 64;
    public const int TextWidth = 64;
    public const int ClapDim = 64;

    public static AutoencoderKLConfig Vae(double scalingFactor = 1.0) => new()
    {
        ClassName = "AutoencoderKL",
        DiffusersVersion = "0.27.2",
        BlockOutChannels = [16, 32, 64],
        DownBlockTypes = ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
        UpBlockTypes = ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"],
        LayersPerBlock = 1,
        LatentChannels = 4,
        NormNumGroups = 8,
        SampleSize = ImageSize,
        ScalingFactor = scalingFactor,
    };

    public static UNet2DConditionModelConfig UNet(DemoProfile profile) => new()
    {
        ClassName = "UNet2DConditionModel",
        DiffusersVersion = "0.27.2",
        SampleSize = ImageSize / 4,
        BlockOutChannels = profile.UNetChannels,
        DownBlockTypes = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
        UpBlockTypes = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
        LayersPerBlock = 1,
        CrossAttentionDim = TextWidth,
        AttentionHeadDim = 4,
        NormNumGroups = 16,
    };

    public static CLIPTextConfig Text(int vocabSize, int bosId, int eosId) => new()
    {
        VocabSize = vocabSize,
        HiddenSize = TextWidth,
        IntermediateSize = 4 * TextWidth,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        MaxPositionEmbeddings = 77,
        ProjectionDim = TextWidth,
        BosTokenId = bosId,
        EosTokenId = eosId,
        PadTokenId = eosId,
    };

    public static ClapFeatureExtractorConfig ClapFeatures() => ClapFeatureExtractorConfig.HtsatUnfused with
    {
        SamplingRate = 16000,
        FeatureSize = 32,
        FftWindowSize = 512,
        HopLength = 160,
        MaxLengthS = 5,
        FrequencyMin = 50,
        FrequencyMax = 8000,
    };

    public static ClapConfig Clap(int textVocabSize) => ClapConfig.HtsatUnfused with
    {
        ProjectionDim = ClapDim,
        AudioConfig = ClapConfig.HtsatUnfused.AudioConfig with
        {
            SpecSize = 128,
            NumMelBins = 32,
            PatchEmbedsHiddenSize = 32,
            Depths = [1, 1, 1],
            NumAttentionHeads = [2, 4, 8],
            HiddenSize = 128,
            ProjectionDim = ClapDim,
        },
        TextConfig = ClapConfig.HtsatUnfused.TextConfig with
        {
            VocabSize = textVocabSize,
            HiddenSize = 64,
            NumHiddenLayers = 2,
            NumAttentionHeads = 4,
            IntermediateSize = 256,
            MaxPositionEmbeddings = 80,
            LayerNormEps = 1e-5,
            ProjectionDim = ClapDim,
        },
    };

    public static V4AdapterConfig Adapters() => new()
    {
        ClapDim = ClapDim,
        CrossAttentionDim = TextWidth,
        ProjectorHeads = 8,
        AdapterHeads = 4,
        // The demo world has a sound for every level; views and exclusive slots keep the levels apart, so the
        // routing (foreground to the down blocks, ambience to the up blocks) is what decides where each one lands.
        LevelViews = true,
        ExclusiveLevels = true,
        // A tanh gate starts at 0 and Adam moves it by about the learning rate per step, so in a short CPU run the
        // gates stayed near 0.1; a sigmoid gate starts open (0.5) with the output projection at 0 instead.
        GateActivation = "sigmoid",
    };
}
