using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>What the σ-parameterised Euler, Euler-ancestral and LMS schedulers do identically.</summary>
internal static class SigmaSchedulers
{
    /// <summary>
    /// x_T ~ N(0, σ_max²) in the σ-parameterisation; "leading" spacing never reaches t = N−1, and diffusers
    /// then uses √(σ_max² + 1), the standard deviation of x_t/√ᾱ_t relative to unit noise.
    /// </summary>
    public static double InitNoiseSigma(float[] sigmas, TimestepSpacing spacing)
    {
        var max_sigma = sigmas.Max();
        return spacing == TimestepSpacing.Leading ? MathF.Sqrt(max_sigma * max_sigma + 1) : max_sigma;
    }

    /// <summary>x/√(σ²+1): the model was trained on √ᾱ-scaled inputs, and x_σ·√ᾱ = x_σ/√(σ²+1).</summary>
    public static Tensor ScaleModelInput(Tensor sample, float sigma)
    {
        using var scale = MathF.Sqrt(sigma * sigma + 1).ToScalar();
        return sample / scale;
    }

    /// <summary>x_σ = x₀ + σ·ε at the σ of each step index.</summary>
    public static Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor sigmas, long[] stepIndices)
    {
        using var scope = NewDisposeScope();
        var sigma = sigmas.to(originalSamples.device).to_type(originalSamples.dtype)
            .index_select(0, tensor(stepIndices, device: originalSamples.device));
        var noisy_samples = originalSamples.add(noise * DiffusionScheduler.PerSample(sigma, originalSamples), Scalars.One);
        return noisy_samples.MoveToOuterDisposeScope();
    }
}
