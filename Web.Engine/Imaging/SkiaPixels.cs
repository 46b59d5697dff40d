using System.Runtime.InteropServices;
using SkiaSharp;

namespace Clap2Diffusion.Engine.Imaging;

/// <summary>
/// Drawing with Skia into memory this process owns. The canvas paints straight into a pinned managed RGBA
/// buffer, so no Skia-allocated pixel store has to outlive a native call or be copied back through a span
/// whose owner the collector may already consider dead.
/// </summary>
public static class SkiaPixels
{
    /// <summary>Runs <paramref name="draw"/> on a fresh transparent canvas and returns its pixels as RGB bytes (row-major, HWC).</summary>
    public static byte[] DrawRgb(int width, int height, Action<SKCanvas> draw)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var rgba = new byte[info.BytesSize];
        var pin = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var surface = SKSurface.Create(info, pin.AddrOfPinnedObject(), info.RowBytes)
                ?? throw new InvalidOperationException($"Skia could not open a {width}x{height} drawing surface");
            draw(surface.Canvas);
            surface.Canvas.Flush();
        }
        finally
        {
            pin.Free();
        }
        return DropAlpha(rgba);
    }

    /// <summary>The pixels of an RGBA8888 bitmap as RGB bytes, copied while the bitmap is certainly alive.</summary>
    public static byte[] CopyRgb(SKBitmap bitmap)
    {
        if (bitmap.ColorType != SKColorType.Rgba8888)
            throw new ArgumentException($"expected an RGBA8888 bitmap, got {bitmap.ColorType}", nameof(bitmap));
        var pixels = bitmap.GetPixels();
        if (pixels == IntPtr.Zero)
            throw new InvalidOperationException($"the {bitmap.Width}x{bitmap.Height} bitmap has no pixel memory");
        var rgba = new byte[bitmap.ByteCount];
        Marshal.Copy(pixels, rgba, 0, rgba.Length);
        GC.KeepAlive(bitmap);
        return DropAlpha(rgba);
    }

    private static byte[] DropAlpha(byte[] rgba)
    {
        var rgb = new byte[rgba.Length / 4 * 3];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }
        return rgb;
    }
}
