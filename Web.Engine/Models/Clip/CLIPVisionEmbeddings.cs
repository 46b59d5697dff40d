using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>
/// transformers' <c>CLIPVisionEmbeddings</c>: non-overlapping patches through a bias-free convolution, the
/// learned class token in front, plus learned absolute positions (class token first, patches row-major).
/// </summary>
public sealed class CLIPVisionEmbeddings : nn.Module<Tensor, Tensor>
{
    public readonly Parameter class_embedding;
    public readonly Conv2d patch_embedding;
    public readonly Embedding position_embedding;

    private readonly CLIPVisionConfig config;

    public CLIPVisionEmbeddings(CLIPVisionConfig config, Device? device = null) : base(nameof(CLIPVisionEmbeddings))
    {
        this.config = config;
        using (var noise = randn(config.HiddenSize, device: device))
            class_embedding = new Parameter(Scalars.Times(Math.Pow(config.HiddenSize, -0.5), noise));
        patch_embedding = OneDnn.Register(() => nn.Conv2d(config.NumChannels, config.HiddenSize, config.PatchSize, stride: config.PatchSize,
            bias: false, device: device));
        position_embedding = nn.Embedding(config.PatchesPerSide * config.PatchesPerSide + 1, config.HiddenSize, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor pixel_values)
    {
        var expected = new long[] { config.NumChannels, config.ImageSize, config.ImageSize };
        if (pixel_values.dim() != 4 || !pixel_values.shape[1..].SequenceEqual(expected))
            throw new InputException($"pixel_values must be [batch, {string.Join(", ", expected)}], not [{string.Join(", ", pixel_values.shape)}]");

        using var scope = NewDisposeScope();
        var batch = pixel_values.shape[0];
        var patches = patch_embedding.forward(pixel_values.to_type(patch_embedding.weight!.dtype)).flatten(2).transpose(1, 2);
        var classToken = class_embedding.expand(batch, 1, -1);
        using var count = position_embedding.weight!.shape[0].ToScalar();
        var positions = arange(count, dtype: ScalarType.Int64, device: pixel_values.device).unsqueeze(0);
        return cat([classToken, patches], 1).add(position_embedding.forward(positions), Scalars.One).MoveToOuterDisposeScope();
    }
}
