namespace Clap2Diffusion.Engine.Imaging;

/// <summary>
/// PIL's <c>Image.resize(size, Image.BICUBIC)</c> (libImaging <c>Resample.c</c>): a separable convolution with
/// the a = -0.5 cubic kernel whose support widens by the scale factor when shrinking (antialiasing),
/// horizontal pass first. For 8-bit images the weights are fixed-point with 22 fractional bits and the
/// horizontal result is rounded to 8 bits before the vertical pass; in <c>"F"</c> mode (32-bit float, what
/// clean-fid uses) weights and sums are doubles and each pass stores floats.
/// </summary>
public static class PillowResample
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const double CubicSupport = 2.0;

    /// <summary>Resizes an RGB image as PIL does in <c>"RGB"</c> mode.</summary>
    public static RgbImage ResizeBicubic(RgbImage image, int width, int height)
    {
        CheckSize(width, height);
        var (pixels, currentWidth, currentHeight) = (image.Pixels, image.Width, image.Height);
        var vertical = Kernel.Create(image.Height, height);
        if (width != image.Width)
        {
            var horizontal = Kernel.Create(image.Width, width);
            pixels = Horizontal8(pixels, image.Width, vertical.FirstSource, vertical.LastSource, horizontal);
            (currentWidth, currentHeight) = (width, vertical.LastSource - vertical.FirstSource);
            vertical = vertical.Shifted(-vertical.FirstSource);
        }
        if (height != image.Height)
        {
            pixels = Vertical8(pixels, currentWidth, vertical);
            currentHeight = height;
        }
        return new RgbImage(currentWidth, currentHeight, pixels == image.Pixels ? (byte[])pixels.Clone() : pixels);
    }

    /// <summary>Resizes one channel of floats as PIL does in <c>"F"</c> mode (row-major, <paramref name="sourceWidth"/> per row).</summary>
    public static float[] ResizeBicubic(float[] plane, int sourceWidth, int sourceHeight, int width, int height)
    {
        CheckSize(width, height);
        if (sourceWidth <= 0 || sourceHeight <= 0 || plane.Length != (long)sourceWidth * sourceHeight)
            throw new InputException($"a {sourceWidth}x{sourceHeight} plane holds {(long)sourceWidth * sourceHeight} values, not {plane.Length}");
        var current = plane;
        var currentWidth = sourceWidth;
        var vertical = Kernel.Create(sourceHeight, height);
        if (width != sourceWidth)
        {
            var horizontal = Kernel.Create(sourceWidth, width);
            current = HorizontalFloat(plane, sourceWidth, vertical.FirstSource, vertical.LastSource, horizontal);
            currentWidth = width;
            vertical = vertical.Shifted(-vertical.FirstSource);
        }
        if (height != sourceHeight)
            current = VerticalFloat(current, currentWidth, vertical);
        return current == plane ? (float[])plane.Clone() : current;
    }

    private static byte[] Horizontal8(byte[] source, int sourceWidth, int firstRow, int lastRow, Kernel kernel)
    {
        var weights = kernel.FixedPointWeights();
        var outWidth = kernel.OutSize;
        var output = new byte[(long)outWidth * (lastRow - firstRow) * 3];
        for (var y = firstRow; y < lastRow; y++)
        {
            var rowIn = (long)y * sourceWidth * 3;
            var rowOut = (long)(y - firstRow) * outWidth * 3;
            for (var x = 0; x < outWidth; x++)
            {
                var (start, count) = kernel.Bounds[x];
                var k = x * kernel.Size;
                for (var channel = 0; channel < 3; channel++)
                {
                    var sum = 1 << (PrecisionBits - 1);
                    for (var i = 0; i < count; i++)
                        sum += source[rowIn + (start + i) * 3 + channel] * weights[k + i];
                    output[rowOut + x * 3 + channel] = Clip8(sum);
                }
            }
        }
        return output;
    }

    private static byte[] Vertical8(byte[] source, int width, Kernel kernel)
    {
        var weights = kernel.FixedPointWeights();
        var output = new byte[(long)width * kernel.OutSize * 3];
        for (var y = 0; y < kernel.OutSize; y++)
        {
            var (start, count) = kernel.Bounds[y];
            var k = y * kernel.Size;
            for (var x = 0; x < width * 3; x++)
            {
                var sum = 1 << (PrecisionBits - 1);
                for (var i = 0; i < count; i++)
                    sum += source[(long)(start + i) * width * 3 + x] * weights[k + i];
                output[(long)y * width * 3 + x] = Clip8(sum);
            }
        }
        return output;
    }

    private static float[] HorizontalFloat(float[] source, int sourceWidth, int firstRow, int lastRow, Kernel kernel)
    {
        var outWidth = kernel.OutSize;
        var output = new float[(long)outWidth * (lastRow - firstRow)];
        for (var y = firstRow; y < lastRow; y++)
            for (var x = 0; x < outWidth; x++)
            {
                var (start, count) = kernel.Bounds[x];
                var sum = 0.0;
                for (var i = 0; i < count; i++)
                    sum += source[(long)y * sourceWidth + start + i] * kernel.Weights[x * kernel.Size + i];
                output[(long)(y - firstRow) * outWidth + x] = (float)sum;
            }
        return output;
    }

    private static float[] VerticalFloat(float[] source, int width, Kernel kernel)
    {
        var output = new float[(long)width * kernel.OutSize];
        for (var y = 0; y < kernel.OutSize; y++)
        {
            var (start, count) = kernel.Bounds[y];
            for (var x = 0; x < width; x++)
            {
                var sum = 0.0;
                for (var i = 0; i < count; i++)
                    sum += source[(long)(start + i) * width + x] * kernel.Weights[y * kernel.Size + i];
                output[(long)y * width + x] = (float)sum;
            }
        }
        return output;
    }

    // The integer sum carries 22 fractional bits; an arithmetic shift floors it, then it is clamped to a byte.
    private static byte Clip8(int sum) => (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);

    private static void CheckSize(int width, int height)
    {
        if (width <= 0 || height <= 0 || (long)width * height > RgbImage.MaxPixels)
            throw new InputException($"cannot resize to {width}x{height}");
    }

    /// <summary>PIL's cubic convolution kernel, a = -0.5.</summary>
    public static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0)
            return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /// <summary>
    /// PIL's <c>precompute_coeffs</c> for one axis: for each output sample the first source sample, how many
    /// follow, and their normalised weights (<see cref="Size"/> slots per output sample).
    /// </summary>
    internal sealed record Kernel(int OutSize, int Size, (int Start, int Count)[] Bounds, double[] Weights)
    {
        public int FirstSource => Bounds[0].Start;

        public int LastSource => Bounds[^1].Start + Bounds[^1].Count;

        public static Kernel Create(int inSize, int outSize)
        {
            var scale = (double)inSize / outSize;
            var filterScale = Math.Max(scale, 1.0);
            var support = CubicSupport * filterScale;
            var size = (int)Math.Ceiling(support) * 2 + 1;
            var bounds = new (int, int)[outSize];
            var weights = new double[(long)outSize * size];
            var inverseScale = 1.0 / filterScale;
            for (var x = 0; x < outSize; x++)
            {
                var center = (x + 0.5) * scale;
                var start = Math.Max((int)(center - support + 0.5), 0);
                var end = Math.Min((int)(center + support + 0.5), inSize);
                var count = end - start;
                var total = 0.0;
                for (var i = 0; i < count; i++)
                {
                    var w = Cubic((i + start - center + 0.5) * inverseScale);
                    weights[x * size + i] = w;
                    total += w;
                }
                if (total != 0.0)
                    for (var i = 0; i < count; i++)
                        weights[x * size + i] /= total;
                bounds[x] = (start, count);
            }
            return new Kernel(outSize, size, bounds, weights);
        }

        public Kernel Shifted(int offset) => this with { Bounds = Bounds.Select(b => (b.Start + offset, b.Count)).ToArray() };

        /// <summary>Weights rounded half away from zero to 22 fractional bits, as the 8-bit passes use them.</summary>
        public int[] FixedPointWeights() =>
            Weights.Select(w => w < 0 ? (int)(-0.5 + w * (1 << PrecisionBits)) : (int)(0.5 + w * (1 << PrecisionBits))).ToArray();
    }
}
