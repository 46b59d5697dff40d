using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TorchSharp.Modules;
using Clap2Diffusion.Engine.Models.Layers;

namespace Clap2Diffusion.Engine.Models.Classifiers;

/// <summary>
/// A small CNN that reads the demo world's attributes back from an image: conv / GroupNorm / SiLU stages that
/// halve the resolution, global average pooling into a feature vector (the space of the domain FID), and a
/// linear head per attribute. Input: RGB in [-1, 1], any size (resized to <c>image_size</c>).
/// </summary>
public sealed class SceneAttributeClassifier : Module<Tensor, Dictionary<string, Tensor>>
{
    public readonly ModuleList<Module<Tensor, Tensor>> stages;
    public readonly ModuleDict<Module<Tensor, Tensor>> heads;

    public SceneAttributeClassifier(SceneAttributeClassifierConfig config, Device? device = null) : base(nameof(SceneAttributeClassifier))
    {
        Config = config;
        stages = new ModuleList<Module<Tensor, Tensor>>();
        var inChannels = 3;
        foreach (var channels in config.Channels)
        {
            stages.Add(new ClassifierStage(inChannels, channels, config.NormNumGroups, device));
            inChannels = channels;
        }
        heads = new ModuleDict<Module<Tensor, Tensor>>();
        foreach (var (name, classes) in config.Heads.OrderBy(h => h.Key, StringComparer.Ordinal))
            heads.Add(name, Linear(inChannels, classes.Length, device: device));
        RegisterComponents();
    }

    public SceneAttributeClassifierConfig Config { get; }

    /// <summary>The pooled feature vector per image (B, feature_size).</summary>
    public Tensor Features(Tensor images)
    {
        var x = images.shape[^1] == Config.ImageSize && images.shape[^2] == Config.ImageSize
            ? images
            : functional.interpolate(images, [Config.ImageSize, Config.ImageSize], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        foreach (var stage in stages)
            x = stage.call(x);
        return x.mean([2, 3]);
    }

    /// <summary>Logits per attribute head.</summary>
    public override Dictionary<string, Tensor> forward(Tensor images)
    {
        var features = Features(images);
        var logits = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var name in Config.Heads.Keys)
            logits[name] = heads[name].call(features);
        return logits;
    }

    private sealed class ClassifierStage : Module<Tensor, Tensor>
    {
        public readonly Module<Tensor, Tensor> conv1;
        public readonly Module<Tensor, Tensor> norm1;
        public readonly Module<Tensor, Tensor> conv2;
        public readonly Module<Tensor, Tensor> norm2;

        public ClassifierStage(int inChannels, int outChannels, int groups, Device? device) : base(nameof(ClassifierStage))
        {
            conv1 = Conv2d(inChannels, outChannels, 3, padding: 1, device: device);
            norm1 = Norms.GroupNorm(Math.Min(groups, outChannels), outChannels, device: device);
            conv2 = Conv2d(outChannels, outChannels, 3, stride: 2, padding: 1, device: device);
            norm2 = Norms.GroupNorm(Math.Min(groups, outChannels), outChannels, device: device);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            x = functional.silu(norm1.call(conv1.call(x)));
            return functional.silu(norm2.call(conv2.call(x)));
        }
    }
}
