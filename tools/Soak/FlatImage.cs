namespace Clap2Diffusion.Soak;

/// <summary>A NaN latent decodes to one flat colour, which is how a finished image shows a non-finite value.</summary>
public static class FlatImage
{
    public static bool IsFlat(ReadOnlySpan<byte> rgb)
    {
        for (var i = 3; i + 2 < rgb.Length; i += 3)
            if (rgb[i] != rgb[0] || rgb[i + 1] != rgb[1] || rgb[i + 2] != rgb[2])
                return false;
        return true;
    }
}
