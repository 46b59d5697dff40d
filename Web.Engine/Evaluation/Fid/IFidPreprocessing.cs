using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation.Fid;

/// <summary>
/// How RGB images in [0, 1] become the FID network's input, [B, 3, 299, 299]. FID values are comparable only
/// between statistics made with the same preprocessing, so its <see cref="Name"/> is recorded with them.
/// pytorch-fid's is <see cref="PytorchFidPreprocessing"/>. clean-fid's "clean" mode (PIL bicubic resize of
/// each channel in float mode, then (x - 128) / 128 on 0..255 values) belongs here too, built on the PIL
/// resize in <c>Imaging/</c> rather than a second copy of it.
/// </summary>
public interface IFidPreprocessing
{
    string Name { get; }

    /// <summary>Images [B, 3, H, W], float32 in [0, 1], to network inputs [B, 3, 299, 299].</summary>
    Tensor Prepare(Tensor images);
}
