using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation.Fid;

/// <summary>
/// pytorch-fid's <c>InceptionV3</c> input handling: <c>F.interpolate(size=(299, 299), mode="bilinear",
/// align_corners=False)</c> with no antialiasing (so a large image is point-sampled more than averaged when
/// shrunk), then 2x - 1.
/// </summary>
public sealed class PytorchFidPreprocessing : IFidPreprocessing
{
    public const int Size = 299;

    public static PytorchFidPreprocessing Instance { get; } = new();

    public string Name => "pytorch-fid: bilinear 299x299 (align_corners=False, no antialias), 2x-1";

    public Tensor Prepare(Tensor images)
    {
        using var scope = NewDisposeScope();
        var resized = Resize(images, Size, Size);
        return (resized * Scalars.Two - Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Bilinear resampling as ATen's CPU kernel does it: source coordinate (dst + 0.5)·scale − 0.5 clamped at 0,
    /// scale = in/out rounded to float32, blend weights in float32, width first, then height. The coordinate is
    /// taken in float64 from that float32 scale, as the torch 1.13 reference run did; LibTorch 2.x takes it in
    /// float32, which moves outputs by up to 3e-5 when a side shrinks. Pinning one rule keeps FID features from
    /// drifting with LibTorch upgrades.
    /// </summary>
    public static Tensor Resize(Tensor images, int height, int width)
    {
        if (images.dim() != 4)
            throw new InputException($"bilinear resizing takes images [B, C, H, W], not [{string.Join(", ", images.shape)}]");
        using var scope = NewDisposeScope();
        var (left, right, leftWeight, rightWeight) = Axis(images.shape[3], width, images.device);
        var columns = (images.index_select(3, left) * leftWeight).add(images.index_select(3, right) * rightWeight, Scalars.One);
        var (top, bottom, topWeight, bottomWeight) = Axis(images.shape[2], height, images.device);
        var resized = (columns.index_select(2, top) * topWeight.unsqueeze(1))
            .add(columns.index_select(2, bottom) * bottomWeight.unsqueeze(1), Scalars.One);
        return resized.MoveToOuterDisposeScope();
    }

    private static (Tensor Low, Tensor High, Tensor LowWeight, Tensor HighWeight) Axis(long inputSize, int outputSize, Device device)
    {
        var scale = (float)inputSize / outputSize;
        var low = new long[outputSize];
        var high = new long[outputSize];
        var lowWeight = new float[outputSize];
        var highWeight = new float[outputSize];
        for (var i = 0; i < outputSize; i++)
        {
            var source = Math.Max(scale * (i + 0.5) - 0.5, 0);
            low[i] = (long)source;
            high[i] = low[i] < inputSize - 1 ? low[i] + 1 : low[i];
            highWeight[i] = (float)(source - low[i]);
            lowWeight[i] = 1 - highWeight[i];
        }
        return (tensor(low, device: device), tensor(high, device: device),
            tensor(lowWeight, device: device), tensor(highWeight, device: device));
    }
}
