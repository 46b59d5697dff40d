using Clap2Diffusion.Engine.Pipelines;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// The SD 1.5 latent previews of ComfyUI and A1111 (<c>sd15_latent_preview.safetensors</c>): the factor constants
/// bit for bit, the 0..255 float image within 1e-3 and the uint8 image exactly, as the README asks.
/// </summary>
internal static class LatentPreviewCases
{
    public static void Run(ReferenceFile file, ParityRun run)
    {
        using var scope = NewDisposeScope();
        var latent = file.Load("latent");
        var programs = file.Names.Where(n => n.EndsWith(".latent_rgb_factors", StringComparison.Ordinal))
            .Select(n => n[..^".latent_rgb_factors".Length]);
        foreach (var program in programs)
        {
            var factors = program switch
            {
                "comfyui" => LatentRgbFactors.ComfyUI,
                "a1111" => LatentRgbFactors.A1111,
                _ => throw new InputException($"{file.File.Path}: no latent preview is known for the program '{program}' (comfyui, a1111)"),
            };
            run.Compare(file, $"{program}.latent_rgb_factors", tensor(factors.Factors), ParityTolerance.Identical);
            if (file.Contains($"{program}.rgb_float_hwc"))
                run.Compare(file, $"{program}.rgb_float_hwc", LatentPreview.ToRgbFloat(latent, factors), ParityTolerance.Absolute(1e-3));
            if (file.Contains($"{program}.rgb_u8_hwc"))
            {
                var image = LatentPreview.ToRgb(latent, factors);
                var bytes = tensor(image.Pixels.Select(v => (long)v).ToArray(), [image.Height, image.Width, 3]);
                run.Compare(file, $"{program}.rgb_u8_hwc", bytes, ParityTolerance.Identical);
            }
        }
    }
}
