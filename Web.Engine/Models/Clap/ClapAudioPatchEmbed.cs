using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>The spectrogram image (B, 1, 256, 256) cut into 4×4 patches: (B, 4096 tokens, 96) after the LayerNorm.</summary>
public sealed class ClapAudioPatchEmbed : nn.Module<Tensor, Tensor>
{
    public readonly Conv2d proj;
    public readonly nn.Module<Tensor, Tensor> norm;

    public ClapAudioPatchEmbed(ClapAudioConfig config, Device? device = null) : base(nameof(ClapAudioPatchEmbed))
    {
        var (kernel, stride) = ((config.PatchSize[0], config.PatchSize[1]), (config.PatchStride[0], config.PatchStride[1]));
        var padding = ((kernel.Item1 - stride.Item1) / 2, (kernel.Item2 - stride.Item2) / 2);
        proj = OneDnn.Register(() => nn.Conv2d(config.PatchEmbedInputChannels, config.PatchEmbedsHiddenSize,
            kernel_size: (kernel.Item1, kernel.Item2), stride: (stride.Item1, stride.Item2),
            padding: (padding.Item1, padding.Item2), device: device));
        norm = config.EnablePatchLayerNorm ? nn.LayerNorm(config.PatchEmbedsHiddenSize, device: device) : nn.Identity();
        RegisterComponents();
    }

    public override Tensor forward(Tensor image)
    {
        using var patches = proj.forward(image);
        using var tokens = patches.flatten(2).transpose(1, 2);
        return norm.forward(tokens);
    }
}
