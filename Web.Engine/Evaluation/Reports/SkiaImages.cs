using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Imaging.Png;
using SkiaSharp;

namespace Clap2Diffusion.Engine.Evaluation.Reports;

/// <summary>Moves pixels between <see cref="RgbImage"/> and Skia bitmaps, and the fonts the report draws with.</summary>
internal static class SkiaImages
{
    public static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0, j = 0; i < image.Pixels.Length; i += 3, j += 4)
        {
            rgba[j] = image.Pixels[i];
            rgba[j + 1] = image.Pixels[i + 1];
            rgba[j + 2] = image.Pixels[i + 2];
            rgba[j + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    /// <summary>Saves what a canvas drew on an RGBA bitmap as an RGB PNG (through the engine's PNG writer).</summary>
    public static void SavePng(SKBitmap bitmap, string path)
    {
        var rgb = SkiaPixels.CopyRgb(bitmap);
        PngWriter.Save(path, bitmap.Width, bitmap.Height, rgb);
    }

    public static SKBitmap Canvas(int width, int height) =>
        new(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));

    /// <summary>A sans-serif face from the system (fontconfig); Skia falls back to its default when none is installed.</summary>
    public static SKTypeface Sans { get; } = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.FromFamilyName("sans-serif") ?? SKTypeface.Default;

    public static SKPaint Text(float size, SKColor color, bool bold = false) => new()
    {
        Typeface = bold ? SKTypeface.FromFamilyName(Sans.FamilyName, SKFontStyle.Bold) ?? Sans : Sans,
        TextSize = size,
        Color = color,
        IsAntialias = true,
    };

    /// <summary>Splits text into lines no wider than <paramref name="width"/>, breaking at spaces (or inside a word too long for a line).</summary>
    public static List<string> Wrap(string text, SKPaint paint, float width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : $"{line} {word}";
            if (paint.MeasureText(candidate) <= width)
            {
                line = candidate;
                continue;
            }
            if (line.Length > 0)
                lines.Add(line);
            line = word;
            while (line.Length > 1 && paint.MeasureText(line) > width)
            {
                var fit = line.Length - 1;
                while (fit > 1 && paint.MeasureText(line[..fit]) > width)
                    fit--;
                lines.Add(line[..fit]);
                line = line[fit..];
            }
        }
        if (line.Length > 0)
            lines.Add(line);
        return lines;
    }
}
