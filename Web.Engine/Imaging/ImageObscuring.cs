namespace Clap2Diffusion.Engine.Imaging;

/// <summary>
/// What replaces an image the safety checker flagged: a blur that keeps only the average colours of a coarse grid
/// (beyond recognition by design: two images with the same cell averages blur to the same bytes), or a plain
/// black placeholder of the same size, as diffusers' checker returns.
/// </summary>
public static class ImageObscuring
{
    /// <summary>Cells per side: 4x4 average colours are all that survive the blur.</summary>
    public const int Cells = 4;

    public static RgbImage Placeholder(int width, int height) => new(width, height, new byte[(long)width * height * 3]);

    /// <summary>The mean colour of each of <see cref="Cells"/>² cells, spread back smoothly (bilinear between cell centres).</summary>
    public static RgbImage Blur(RgbImage image)
    {
        var (columns, rows) = (Math.Min(Cells, image.Width), Math.Min(Cells, image.Height));
        var means = CellMeans(image, columns, rows);
        var pixels = new byte[image.Pixels.Length];
        for (var y = 0; y < image.Height; y++)
        {
            var (top, bottom, fy) = Between(y, image.Height, rows);
            for (var x = 0; x < image.Width; x++)
            {
                var (left, right, fx) = Between(x, image.Width, columns);
                for (var c = 0; c < 3; c++)
                {
                    var upper = means[top, left, c] * (1 - fx) + means[top, right, c] * fx;
                    var lower = means[bottom, left, c] * (1 - fx) + means[bottom, right, c] * fx;
                    pixels[((long)y * image.Width + x) * 3 + c] = (byte)Math.Clamp(Math.Round(upper * (1 - fy) + lower * fy), 0, 255);
                }
            }
        }
        return new RgbImage(image.Width, image.Height, pixels);
    }

    private static double[,,] CellMeans(RgbImage image, int columns, int rows)
    {
        var sums = new double[rows, columns, 3];
        var counts = new long[rows, columns];
        for (var y = 0; y < image.Height; y++)
        {
            var row = (int)((long)y * rows / image.Height);
            for (var x = 0; x < image.Width; x++)
            {
                var column = (int)((long)x * columns / image.Width);
                counts[row, column]++;
                for (var c = 0; c < 3; c++)
                    sums[row, column, c] += image[x, y, c];
            }
        }
        for (var r = 0; r < rows; r++)
            for (var q = 0; q < columns; q++)
                for (var c = 0; c < 3; c++)
                    sums[r, q, c] /= counts[r, q];
        return sums;
    }

    // The two cells whose centres enclose a pixel centre along one axis, and how far it lies towards the second.
    private static (int First, int Second, double Fraction) Between(int position, int size, int cells)
    {
        var cell = (position + 0.5) * cells / size - 0.5;
        if (cell <= 0)
            return (0, 0, 0);
        if (cell >= cells - 1)
            return (cells - 1, cells - 1, 0);
        var first = (int)Math.Floor(cell);
        return (first, first + 1, cell - first);
    }
}
