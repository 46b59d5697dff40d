using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Pipelines;

/// <summary>
/// A complete model folder in the real layouts, with tiny seeded random weights: a diffusers pipeline (CLIP
/// tokenizer from the shared fixtures, text encoder, UNet, VAE, DDIM scheduler), the shared tiny CLAP with a
/// feature-extractor config, and V4 adapters sized for both.
/// </summary>
public sealed class TinyPipelineFolder : IDisposable
{
    private readonly TempFolder folder = new("pipeline");

    public TinyPipelineFolder(bool withAudio = true, float gate = 0f)
    {
        Root = folder.Path;
        var tokenizer = Directory.CreateDirectory(Path.Combine(Root, "tokenizer")).FullName;
        foreach (var file in new[] { "vocab.json", "merges.txt" })
            File.Copy(SharedData.PathOf("parity", "clip-tokenizer", file), Path.Combine(tokenizer, file));

        var textConfig = new CLIPTextConfig { HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2, ProjectionDim = 16 };
        using (var text = new CLIPTextModel(textConfig))
        {
            RandomWeights.Initialize(text, 11);
            PretrainedWriter.Save(text, textConfig, Path.Combine(Root, "text_encoder"), "model");
        }

        var unetConfig = new UNet2DConditionModelConfig
        {
            ClassName = "UNet2DConditionModel",
            SampleSize = 8,
            BlockOutChannels = [8, 16],
            DownBlockTypes = ["CrossAttnDownBlock2D", "DownBlock2D"],
            UpBlockTypes = ["UpBlock2D", "CrossAttnUpBlock2D"],
            LayersPerBlock = 1,
            CrossAttentionDim = 16,
            AttentionHeadDim = 2,
            NormNumGroups = 4,
        };
        using (var unet = new UNet2DConditionModel(unetConfig))
        {
            RandomWeights.Initialize(unet, 12);
            PretrainedWriter.Save(unet, unetConfig, Path.Combine(Root, "unet"));
            UNetSites = unet.TransformerBlockSites;
        }

        var vaeConfig = new AutoencoderKLConfig
        {
            ClassName = "AutoencoderKL",
            BlockOutChannels = [8, 16],
            DownBlockTypes = ["DownEncoderBlock2D", "DownEncoderBlock2D"],
            UpBlockTypes = ["UpDecoderBlock2D", "UpDecoderBlock2D"],
            NormNumGroups = 4,
        };
        using (var vae = new AutoencoderKL(vaeConfig))
        {
            RandomWeights.Initialize(vae, 13);
            PretrainedWriter.Save(vae, vaeConfig, Path.Combine(Root, "vae"));
        }

        Directory.CreateDirectory(Path.Combine(Root, "scheduler"));
        File.WriteAllText(Path.Combine(Root, "scheduler", "scheduler_config.json"),
            """{"_class_name": "DDIMScheduler", "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000, "set_alpha_to_one": false, "steps_offset": 1, "clip_sample": false}""");
        File.WriteAllText(Path.Combine(Root, "model_index.json"),
            """{"_class_name": "StableDiffusionPipeline", "scheduler": ["diffusers", "DDIMScheduler"], "text_encoder": ["transformers", "CLIPTextModel"], "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"], "safety_checker": [null, null]}""");
        File.WriteAllText(Path.Combine(Root, "clap2diffusion.json"), """{"default_steps": 4, "text_scale": 5.0}""");

        if (!withAudio)
            return;
        var clap = Directory.CreateDirectory(Path.Combine(Root, "clap")).FullName;
        foreach (var file in new[] { "config.json", "model.safetensors" })
            File.Copy(SharedData.PathOf("parity", "transformers", "clap_tiny", file), Path.Combine(clap, file));
        PretrainedWriter.WriteJson(Path.Combine(clap, "preprocessor_config.json"), ClapFeatureExtractorConfig.HtsatUnfused);

        var adapterConfig = new V4AdapterConfig { ClapDim = 24, CrossAttentionDim = 16, NumAudioTokens = 7, ProjectorDim = 8, ProjectorHeads = 2, AdapterHeads = 2 };
        TorchSharp.torch.manual_seed(14);
        using var adapters = new AudioAdapters(adapterConfig, UNetSites);
        RandomWeights.Initialize(adapters, 14);
        using (TorchSharp.torch.no_grad())
            foreach (var site in adapters.Sites)
                adapters.For(site)!.gate.fill_(gate);
        var unetHash = ModelHash.OfFile(Path.Combine(Root, "unet", "diffusion_pytorch_model.safetensors"));
        AdapterFolder.Save(adapters, Path.Combine(Root, "adapters"), new AdapterMetadata(unetHash, "tiny"));
    }

    public string Root { get; }

    public IReadOnlyList<TransformerBlockSite> UNetSites { get; private set; } = [];

    /// <summary>A two-second chord as the tests' sound.</summary>
    public static AudioClip Chord(int sampleRate = 48000) => AudioClip.FromSamples(
        Enumerable.Range(0, sampleRate * 2).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / sampleRate) + 0.2 * Math.Sin(2 * Math.PI * 660 * i / sampleRate))).ToArray(),
        sampleRate);

    public void Dispose() => folder.Dispose();
}
