using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Imaging;

/// <summary>Conversions between 8-bit RGB pixels (row-major HWC) and image tensors in [-1, 1] (CHW).</summary>
public static class ImageTensors
{
    /// <summary>A (3, H, W) float32 tensor in [-1, 1].</summary>
    public static Tensor FromRgb(byte[] rgb, int width, int height)
    {
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"expected {width * height * 3} bytes for {width}x{height} RGB, got {rgb.Length}", nameof(rgb));
        using var scope = NewDisposeScope();
        using var half_range = 127.5.ToScalar();
        var chw = tensor(rgb, ScalarType.Byte).reshape(height, width, 3).permute(2, 0, 1).to_type(ScalarType.Float32);
        return chw.div(half_range).sub_(Scalars.OneDouble).MoveToOuterDisposeScope();
    }

    /// <summary>RGB bytes from a (3, H, W) tensor in [-1, 1], rounded as diffusers does: round((x/2 + 0.5) * 255).</summary>
    public static byte[] ToRgb(Tensor image)
    {
        using var scope = NewDisposeScope();
        var unit = (image.detach().to_type(ScalarType.Float32).cpu() / Scalars.Two).add(Scalars.Half, Scalars.One)
            .clamp(Scalars.Zero, Scalars.One);
        var hwc = (unit * Scalars.Max8Bit).round().to_type(ScalarType.Byte).permute(1, 2, 0).contiguous();
        return hwc.data<byte>().ToArray();
    }
}
