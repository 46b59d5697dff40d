using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// Nearest-neighbour upsampling (x2, or to an exact size when the UNet's latent side is not a multiple of its
/// overall down factor), then a 3x3 convolution.
/// </summary>
public sealed class Upsample2D : nn.Module
{
    public readonly nn.Module<Tensor, Tensor> conv;

    public Upsample2D(long channels, long? out_channels = null, Device? device = null) : base(nameof(Upsample2D))
    {
        conv = OneDnn.Register(() => nn.Conv2d(channels, out_channels ?? channels, 3, padding: 1, device: device));
        RegisterComponents();
    }

    /// <param name="output_size">Target [H, W]; null doubles both.</param>
    public Tensor forward(Tensor hidden_states, long[]? output_size = null)
    {
        using var scope = NewDisposeScope();
        var dtype = hidden_states.dtype;
        // LibTorch's nearest upsampling has no bfloat16 kernel on every backend; diffusers computes it in float32.
        if (dtype == ScalarType.BFloat16)
            hidden_states = hidden_states.to_type(ScalarType.Float32);
        hidden_states = output_size is null
            ? nn.functional.interpolate(hidden_states, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)
            : nn.functional.interpolate(hidden_states, size: output_size, mode: InterpolationMode.Nearest);
        if (dtype == ScalarType.BFloat16)
            hidden_states = hidden_states.to_type(dtype);
        return scope.MoveToOuter(conv.forward(hidden_states));
    }
}
