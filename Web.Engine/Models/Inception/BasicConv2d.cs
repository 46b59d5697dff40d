using Clap2Diffusion.Engine.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Inception;

/// <summary>
/// torchvision's <c>BasicConv2d</c>: convolution without bias, BatchNorm with eps 0.001 (the TensorFlow
/// value the ported FID weights were trained with), ReLU.
/// </summary>
public sealed class BasicConv2d : nn.Module<Tensor, Tensor>
{
    public readonly Conv2d conv;
    public readonly BatchNorm2d bn;

    public BasicConv2d(long in_channels, long out_channels, (long, long) kernel_size, (long, long)? stride = null,
        (long, long)? padding = null, Device? device = null) : base(nameof(BasicConv2d))
    {
        conv = OneDnn.Register(() => nn.Conv2d(in_channels, out_channels, kernel_size, stride: stride ?? (1, 1), padding: padding ?? (0, 0),
            bias: false, device: device));
        bn = nn.BatchNorm2d(out_channels, eps: 0.001, device: device);
        RegisterComponents();
    }

    public BasicConv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0,
        Device? device = null)
        : this(in_channels, out_channels, (kernel_size, kernel_size), (stride, stride), (padding, padding), device)
    {
    }

    public override Tensor forward(Tensor x)
    {
        using var convolved = conv.call(x);
        using var normalized = bn.call(convolved);
        return nn.functional.relu(normalized);
    }
}
