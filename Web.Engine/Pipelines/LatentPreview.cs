using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>How a program maps a latent's linear RGB estimate in about [-1, 1] to 0..255.</summary>
public enum LatentPreviewScaling
{
    /// <summary>ComfyUI <c>preview_to_image</c>: ((x + 1) / 2).clamp(0, 1) · 255.</summary>
    ComfyUI,

    /// <summary>A1111 <c>single_sample_to_image</c>: clamp(x · 0.5 + 0.5, 0, 1) · 255.</summary>
    A1111,
}

/// <summary>
/// A 4x3 matrix from SD 1.5 latent channels (rows) to R, G, B (columns): a per-pixel linear fit of what the VAE
/// decoder would paint, cheap enough to run at every denoising step.
/// </summary>
public sealed record LatentRgbFactors(string Name, float[,] Factors, LatentPreviewScaling Scaling)
{
    /// <summary>Optional per-channel offset added after the matrix (fitted previews of other VAEs use it).</summary>
    public float[]? Bias { get; init; }

    /// <summary>ComfyUI's <c>latent_formats.SD15.latent_rgb_factors</c> (no bias): the default.</summary>
    public static LatentRgbFactors ComfyUI { get; } = new("comfyui-sd15", new[,]
    {
        { 0.3512f, 0.2297f, 0.3227f },
        { 0.3250f, 0.4974f, 0.2350f },
        { -0.2829f, 0.1762f, 0.2721f },
        { -0.2120f, -0.2616f, -0.7177f },
    }, LatentPreviewScaling.ComfyUI);

    /// <summary>AUTOMATIC1111's "Approx cheap" SD 1 coefficients (<c>sd_vae_approx.cheap_approximation</c>).</summary>
    public static LatentRgbFactors A1111 { get; } = new("a1111-sd1-cheap", new[,]
    {
        { 0.298f, 0.207f, 0.208f },
        { 0.187f, 0.286f, 0.173f },
        { -0.158f, 0.189f, 0.264f },
        { -0.184f, -0.271f, -0.473f },
    }, LatentPreviewScaling.A1111);
}

/// <summary>
/// The live preview of a denoising step without the VAE: the first latent of a batch [B, 4, h, w] (UNet space,
/// already multiplied by 0.18215, as samplers hold it) through <see cref="LatentRgbFactors"/>, one pixel per
/// latent pixel. Matches ComfyUI's and A1111's previews value for value, including the truncating uint8 cast.
/// </summary>
public static class LatentPreview
{
    public static RgbImage ToRgb(Tensor latents, LatentRgbFactors? factors = null)
    {
        using var scope = NewDisposeScope();
        var rgb = ToRgbFloat(latents, factors).to_type(ScalarType.Byte).contiguous();
        return new RgbImage((int)rgb.shape[1], (int)rgb.shape[0], rgb.data<byte>().ToArray());
    }

    /// <summary>The preview [h, w, 3] in 0..255 before the cast to bytes (float32, CPU).</summary>
    public static Tensor ToRgbFloat(Tensor latents, LatentRgbFactors? factors = null)
    {
        factors ??= LatentRgbFactors.ComfyUI;
        if (latents.dim() != 4 || latents.shape[0] < 1 || latents.shape[1] != factors.Factors.GetLength(0))
            throw new InputException($"a latent preview needs latents [B, {factors.Factors.GetLength(0)}, h, w], not [{string.Join(", ", latents.shape)}]");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var latent = latents[0].to_type(ScalarType.Float32).cpu();
        var matrix = tensor(factors.Factors);
        var scaled = factors.Scaling switch
        {
            LatentPreviewScaling.ComfyUI => (WithBias(latent.permute(1, 2, 0).matmul(matrix), factors).add(Scalars.One, Scalars.One) / Scalars.Two)
                .clamp(Scalars.Zero, Scalars.One) * Scalars.Max8Bit,
            _ => (einsum("lxy,lr->rxy", latent, matrix) * Scalars.Half).add(Scalars.Half, Scalars.One)
                .clamp(Scalars.Zero, Scalars.One).mul(Scalars.Max8Bit).permute(1, 2, 0),
        };
        return scaled.contiguous().MoveToOuterDisposeScope();
    }

    private static Tensor WithBias(Tensor rgb, LatentRgbFactors factors) =>
        factors.Bias is { } bias ? rgb.add(tensor(bias), Scalars.One) : rgb;
}
