using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Inception;

/// <summary>
/// pytorch-fid's <c>FIDInceptionE_2</c> (Mixed_7c): the pool branch takes the maximum, not the average. The
/// TensorFlow graph the weights come from did so (most likely a slip there); FID depends on copying it.
/// </summary>
public sealed class FIDInceptionE_2(long in_channels, Device? device = null)
    : InceptionE(nameof(FIDInceptionE_2), in_channels, device)
{
    protected override Tensor Pool(Tensor x) => nn.functional.max_pool2d(x, kernel_size: 3, stride: 1, padding: 1);
}
