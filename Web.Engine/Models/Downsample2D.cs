using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// Strided 3x3 convolution halving H and W. With padding 0 (the VAE encoder) the input is first padded by one
/// zero row at the bottom and one column at the right, as diffusers does.
/// </summary>
public sealed class Downsample2D : nn.Module<Tensor, Tensor>
{
    public readonly nn.Module<Tensor, Tensor> conv;

    private readonly long padding;

    public Downsample2D(long channels, long? out_channels = null, long padding = 1, Device? device = null)
        : base(nameof(Downsample2D))
    {
        this.padding = padding;
        conv = OneDnn.Register(() => nn.Conv2d(channels, out_channels ?? channels, 3, stride: 2, padding: padding, device: device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        if (padding != 0)
            return conv.forward(hidden_states);
        using var scope = NewDisposeScope();
        var padded = nn.functional.pad(hidden_states, [0, 1, 0, 1], PaddingModes.Constant, 0);
        return scope.MoveToOuter(conv.forward(padded));
    }
}
