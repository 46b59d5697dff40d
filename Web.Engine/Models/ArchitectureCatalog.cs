using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Clap;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Models.Safety;

namespace Clap2Diffusion.Engine.Models;

/// <summary>Every architecture that <c>keys</c> and <c>check-weights</c> know by name.</summary>
public static class ArchitectureCatalog
{
    public static IReadOnlyList<Architecture> All { get; } =
    [
        new("sd15-unet", "Stable Diffusion 1.5 UNet (diffusers UNet2DConditionModel)", device => new UNet2DConditionModel(UNet2DConditionModelConfig.StableDiffusion15, device)),
        new("sd15-vae", "Stable Diffusion 1.5 VAE (diffusers AutoencoderKL)", device => new AutoencoderKL(AutoencoderKLConfig.StableDiffusion15, device)),
        new("clip-text-l14", "openai/clip-vit-large-patch14 text tower (transformers CLIPTextModel) = SD 1.5 text_encoder", device => new CLIPTextModel(CLIPTextConfig.ClipVitLargePatch14, device)),
        new("clip-vit-l14", "openai/clip-vit-large-patch14 (transformers CLIPModel)", device => new CLIPModel(CLIPConfig.ClipVitLargePatch14, device)),
        new("sd15-safety-checker", "Stable Diffusion 1.5 safety_checker (diffusers StableDiffusionSafetyChecker: CLIP ViT-L/14 vision tower, projection, 17 + 3 concept embeddings)", device => new StableDiffusionSafetyChecker(CLIPConfig.ClipVitLargePatch14, device)),
        new("clip-vit-b32", "openai/clip-vit-base-patch32 (transformers CLIPModel)", device => new CLIPModel(CLIPConfig.ClipVitBasePatch32, device)),
        new("clap-htsat-unfused", "laion/clap-htsat-unfused, transformers ClapModel (HTSAT-tiny audio + RoBERTa-base text)", device => new ClapModel(ClapConfig.HtsatUnfused, device)),
        new("clap-htsat-unfused-audio", "laion/clap-htsat-unfused audio half, transformers ClapAudioModelWithProjection", device => new ClapAudioModelWithProjection(ClapConfig.HtsatUnfused.AudioConfig, device)),
        new("fid-inception", "pytorch-fid FID InceptionV3 (torchvision Inception3 keys, 1008 classes, no aux head)", device => new Inception.Inception3(device)),
        new("v4-sd15", "CLAP2Diffusion V4 adapters for SD 1.5 (hybrid audio encoder + gated audio attention in all 16 transformer blocks)", device => V4ForSd15(V4AdapterConfig.Sd15, device)) { TrainableParts = Adapters, AdapterConfig = V4AdapterConfig.Sd15 },
        new("v4-sd15-compact", "CLAP2Diffusion V4 adapters for SD 1.5, compact (128-wide projector, rank-64 audio attention; at most 5M parameters)", device => V4ForSd15(V4AdapterConfig.Sd15Compact, device)) { TrainableParts = Adapters, AdapterConfig = V4AdapterConfig.Sd15Compact },
    ];

    public static IEnumerable<string> Names => All.Select(a => a.Name);

    /// <summary>The V4 adapters for SD 1.5 with any config (what <c>keys --set</c> builds).</summary>
    public static AudioAdapters V4ForSd15(V4AdapterConfig config, TorchSharp.torch.Device device)
    {
        using var unet = new UNet2DConditionModel(UNet2DConditionModelConfig.StableDiffusion15, TorchSharp.torch.META);
        return new AudioAdapters(config, unet.TransformerBlockSites, device);
    }

    private static IReadOnlyList<(string Part, long Parameters)> Adapters(TorchSharp.torch.nn.Module module) => ((AudioAdapters)module).TrainableParts();

    public static Architecture Find(string name) =>
        All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InputException($"unknown model '{name}'; valid names: {string.Join(", ", Names)}");
}
