using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>The forward process of ᾱ-indexed schedulers (DDIM, PNDM): q(x_t | x₀) = N(√ᾱ_t·x₀, (1−ᾱ_t)·I).</summary>
internal static class AlphaSchedule
{
    public static Tensor AddNoise(DiffusionScheduler scheduler, Tensor originalSamples, Tensor noise, Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var (sqrt_alpha_prod, sqrt_one_minus_alpha_prod) = Coefficients(scheduler, timesteps, originalSamples);
        var noisy_samples = (sqrt_alpha_prod * originalSamples).add(sqrt_one_minus_alpha_prod * noise, Scalars.One);
        return noisy_samples.MoveToOuterDisposeScope();
    }

    public static Tensor Velocity(DiffusionScheduler scheduler, Tensor sample, Tensor noise, Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var (sqrt_alpha_prod, sqrt_one_minus_alpha_prod) = Coefficients(scheduler, timesteps, sample);
        var velocity = sqrt_alpha_prod * noise - sqrt_one_minus_alpha_prod * sample;
        return velocity.MoveToOuterDisposeScope();
    }

    private static (Tensor SqrtAlphaProd, Tensor SqrtOneMinusAlphaProd) Coefficients(
        DiffusionScheduler scheduler, Tensor timesteps, Tensor like)
    {
        var indices = TrainingIndices(scheduler, timesteps).to(like.device);
        var alphas_cumprod = scheduler.AlphasCumprod.to(like.device).to_type(like.dtype).index_select(0, indices);
        return (DiffusionScheduler.PerSample(alphas_cumprod.pow(Scalars.Half), like),
            DiffusionScheduler.PerSample(alphas_cumprod.neg().add(Scalars.One, Scalars.One).pow(Scalars.Half), like));
    }

    private static Tensor TrainingIndices(DiffusionScheduler scheduler, Tensor timesteps)
    {
        var values = timesteps.to_type(ScalarType.Float64).cpu().flatten();
        var integral = values.eq(values.floor()).all().item<bool>();
        var inRange = values.numel() == 0 || (values.min().item<double>() >= 0 && values.max().item<double>() < scheduler.NumTrainTimesteps);
        if (!integral || !inRange)
            throw new ArgumentOutOfRangeException(nameof(timesteps),
                $"{scheduler.Name} noises to integer training timesteps in [0, {scheduler.NumTrainTimesteps})");
        return values.to_type(ScalarType.Int64);
    }
}
