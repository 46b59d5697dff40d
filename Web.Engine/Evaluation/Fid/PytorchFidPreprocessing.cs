using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation.Fid;

/// <summary>
/// pytorch-fid's <c>InceptionV3</c> input handling: bilinear resize to 299x299 with <c>align_corners=False</c>
/// and no antialiasing (so a large image is point-sampled more than averaged when shrunk), then 2x - 1.
/// </summary>
public sealed class PytorchFidPreprocessing : IFidPreprocessing
{
    public const int Size = 299;

    public static PytorchFidPreprocessing Instance { get; } = new();

    public string Name => "pytorch-fid: bilinear 299x299 (align_corners=False, no antialias), 2x-1";

    public Tensor Prepare(Tensor images)
    {
        using var resized = nn.functional.interpolate(images, [Size, Size], mode: InterpolationMode.Bilinear,
            align_corners: false, antialias: false);
        using var doubled = resized * 2;
        return doubled - 1;
    }
}
