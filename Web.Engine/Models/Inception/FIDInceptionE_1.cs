using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Inception;

/// <summary>pytorch-fid's <c>FIDInceptionE_1</c> (Mixed_7b): the pool branch averages without the padded zeros.</summary>
public sealed class FIDInceptionE_1(long in_channels, Device? device = null)
    : InceptionE(nameof(FIDInceptionE_1), in_channels, device)
{
    protected override Tensor Pool(Tensor x) =>
        nn.functional.avg_pool2d(x, kernel_size: 3, stride: 1, padding: 1, count_include_pad: false);
}
