using Clap2Diffusion.Engine.Imaging;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Training.Data;

/// <summary>
/// The image side of a training sample: resize the shorter side to the training size (Pillow's bicubic), centre
/// crop to a square, scale to [-1, 1]. The horizontal flip is a separate view so a cache can hold both.
/// </summary>
public static class ImagePreprocessing
{
    public static RgbImage ResizeAndCrop(RgbImage image, int size)
    {
        var scale = (double)size / Math.Min(image.Width, image.Height);
        var width = Math.Max(size, (int)Math.Round(image.Width * scale));
        var height = Math.Max(size, (int)Math.Round(image.Height * scale));
        var resized = width == image.Width && height == image.Height ? image : PillowResample.ResizeBicubic(image, width, height);
        return CLIPImageProcessor.CenterCrop(resized, size, size);
    }

    /// <summary>[1, 3, size, size] in [-1, 1], or [2, ...] with the horizontally flipped view second.</summary>
    public static Tensor ToTensor(RgbImage image, int size, bool withFlip)
    {
        var cropped = ResizeAndCrop(image, size);
        var tensor = ImageTensors.FromRgb(cropped.Pixels, size, size).unsqueeze(0);
        return withFlip ? cat([tensor, tensor.flip(3)]) : tensor;
    }
}
