using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Imaging;

/// <summary>
/// transformers' <c>CLIPImageProcessor</c> on its "slow" PIL path: shortest side to 224 with PIL's bicubic
/// (long side <c>int(224·long/short)</c>), centre crop 224×224 (top = (H−224)//2, zero padding when smaller),
/// ×1/255 in float64 then float32, and per-channel <c>(x − mean)/std</c> in float32.
/// </summary>
public sealed class CLIPImageProcessor(CLIPImageProcessorConfig? config = null)
{
    public CLIPImageProcessorConfig Config { get; } = config ?? new CLIPImageProcessorConfig();

    /// <summary>Reads <c>preprocessor_config.json</c> from a model folder, or uses the CLIP defaults when the folder has none.</summary>
    public static CLIPImageProcessor FromPretrained(string folder)
    {
        var path = Path.Combine(folder, "preprocessor_config.json");
        return new CLIPImageProcessor(File.Exists(path) ? CLIPImageProcessorConfig.Read(path) : null);
    }

    /// <summary>The resized and cropped 8-bit image, before rescaling and normalisation.</summary>
    public RgbImage ResizeAndCrop(RgbImage image)
    {
        if (Config.DoResize)
        {
            var (height, width) = Config.ShortestEdge is { } edge ? ShortestEdgeSize(image.Height, image.Width, edge) : (Config.ResizeHeight, Config.ResizeWidth);
            image = PillowResample.ResizeBicubic(image, width, height);
        }
        return Config.DoCenterCrop ? CenterCrop(image, Config.CropHeight, Config.CropWidth) : image;
    }

    /// <summary><c>pixel_values</c> [batch, 3, H, W] float32 for the given images (all must come out the same size).</summary>
    public Tensor Preprocess(IReadOnlyList<RgbImage> images, Device? device = null)
    {
        if (images.Count == 0)
            throw new InputException("no images to preprocess");
        var prepared = images.Select(ResizeAndCrop).ToList();
        var (height, width) = (prepared[0].Height, prepared[0].Width);
        if (prepared.Any(p => p.Height != height || p.Width != width))
            throw new InputException("the images come out of preprocessing in different sizes; enable centre cropping or resize them alike");

        var plane = height * width;
        var values = new float[(long)prepared.Count * 3 * plane];
        var mean = Config.ImageMean.Select(m => (float)m).ToArray();
        var std = Config.ImageStd.Select(s => (float)s).ToArray();
        for (var b = 0; b < prepared.Count; b++)
        {
            var pixels = prepared[b].Pixels;
            for (var i = 0; i < plane; i++)
                for (var c = 0; c < 3; c++)
                {
                    var x = Config.DoRescale ? (float)(pixels[i * 3 + c] * Config.RescaleFactor) : pixels[i * 3 + c];
                    if (Config.DoNormalize)
                        x = (x - mean[c]) / std[c];
                    values[((long)b * 3 + c) * plane + i] = x;
                }
        }
        return tensor(values, [prepared.Count, 3, height, width], device: device);
    }

    /// <summary>transformers' <c>get_resize_output_image_size</c> for a shortest-edge target: (height, width).</summary>
    public static (int Height, int Width) ShortestEdgeSize(int height, int width, int edge)
    {
        var (shortSide, longSide) = width <= height ? (width, height) : (height, width);
        var newLong = (int)((double)edge * longSide / shortSide);
        return width <= height ? (newLong, edge) : (edge, newLong);
    }

    /// <summary>
    /// transformers' <c>center_crop</c>: top = (H − h)//2, left = (W − w)//2; along a side shorter than the crop
    /// the image is centred on zeros, offset by ceil((h − H)/2).
    /// </summary>
    public static RgbImage CenterCrop(RgbImage image, int height, int width)
    {
        var (sourceTop, targetTop, rows) = Span(image.Height, height);
        var (sourceLeft, targetLeft, columns) = Span(image.Width, width);
        var pixels = new byte[(long)height * width * 3];
        for (var y = 0; y < rows; y++)
            Array.Copy(image.Pixels, ((long)(sourceTop + y) * image.Width + sourceLeft) * 3,
                pixels, ((long)(targetTop + y) * width + targetLeft) * 3, (long)columns * 3);
        return new RgbImage(width, height, pixels);
    }

    // Along one axis: where copying starts in the source and the target, and how many samples are copied.
    private static (int Source, int Target, int Count) Span(int size, int crop) =>
        crop <= size
            ? ((size - crop) / 2, 0, crop)
            : (0, (crop - size + 1) / 2, size);
}
