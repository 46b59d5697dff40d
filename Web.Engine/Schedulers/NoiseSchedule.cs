using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// The training noise schedule β₁…β_N, computed with float32 torch operations exactly as diffusers does,
/// so that ᾱ = cumprod(1 − β) matches its tables to the last bit.
/// </summary>
internal static class NoiseSchedule
{
    public static Tensor Betas(SchedulerConfig config, string scheduler, bool rescaleZeroSnr)
    {
        var n = config.NumTrainTimesteps;
        if (n < 1 || n > SchedulerConfig.MaxTrainTimesteps)
            throw new InputException($"scheduler config: num_train_timesteps {n} must be between 1 and {SchedulerConfig.MaxTrainTimesteps}");

        var betas = config.TrainedBetas is { } trained
            ? TrainedBetas(trained, n)
            : FromSchedule(config, scheduler, n);
        return rescaleZeroSnr ? RescaleZeroTerminalSnr(betas) : betas;
    }

    private static Tensor TrainedBetas(double[] trained, int n)
    {
        if (trained.Length != n)
            throw new InputException($"scheduler config: trained_betas holds {trained.Length} values but num_train_timesteps is {n}");
        if (trained.Any(beta => !(beta >= 0 && beta < 1)))
            throw new InputException("scheduler config: every trained_betas value must lie in [0, 1)");
        return tensor(trained, ScalarType.Float32);
    }

    private static Tensor FromSchedule(SchedulerConfig config, string scheduler, int n)
    {
        var schedule = ConfigChoice.Parse(config.BetaSchedule, "beta_schedule", scheduler,
            ("linear", 0), ("scaled_linear", 1), ("squaredcos_cap_v2", 2));
        if (schedule != 2 && !(config.BetaStart >= 0 && config.BetaEnd >= 0 && config.BetaStart < 1 && config.BetaEnd < 1))
            throw new InputException($"scheduler config: beta_start {config.BetaStart} and beta_end {config.BetaEnd} must lie in [0, 1)");
        return schedule switch
        {
            0 => linspace(config.BetaStart, config.BetaEnd, n, ScalarType.Float32),
            // Stable Diffusion's schedule: linear in √β (LDM's "scaled_linear").
            1 => linspace(Math.Pow(config.BetaStart, 0.5), Math.Pow(config.BetaEnd, 0.5), n, ScalarType.Float32).pow(Scalars.Two),
            _ => BetasForAlphaBar(n),
        };
    }

    /// <summary>
    /// The cosine schedule of Nichol and Dhariwal 2021 (arXiv:2102.09672, eq. 17):
    /// ᾱ(t) = cos²((t + 0.008)/1.008 · π/2), βᵢ = min(1 − ᾱ(tᵢ₊₁)/ᾱ(tᵢ), 0.999), in double, then float32.
    /// </summary>
    public static Tensor BetasForAlphaBar(int n, double maxBeta = 0.999)
    {
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        var betas = new double[n];
        for (var i = 0; i < n; i++)
        {
            var t1 = (double)i / n;
            var t2 = (double)(i + 1) / n;
            betas[i] = Math.Min(1 - AlphaBar(t2) / AlphaBar(t1), maxBeta);
        }
        return tensor(betas, ScalarType.Float32);
    }

    /// <summary>
    /// Rescales β so that the last step has zero signal-to-noise ratio (Lin et al. 2023, arXiv:2305.08891,
    /// Algorithm 1): shift √ᾱ so its last value is 0, scale it so its first value is unchanged.
    /// </summary>
    public static Tensor RescaleZeroTerminalSnr(Tensor betas)
    {
        using var scope = NewDisposeScope();
        var alphas = betas.neg().add(Scalars.OneDouble, Scalars.One);
        var alphas_cumprod = alphas.cumprod(0);
        var alphas_bar_sqrt = alphas_cumprod.sqrt();

        var n = alphas_bar_sqrt.shape[0];
        var alphas_bar_sqrt_0 = alphas_bar_sqrt[0].clone();
        var alphas_bar_sqrt_T = alphas_bar_sqrt[n - 1].clone();
        alphas_bar_sqrt = (alphas_bar_sqrt - alphas_bar_sqrt_T) * (alphas_bar_sqrt_0 / (alphas_bar_sqrt_0 - alphas_bar_sqrt_T));

        var alphas_bar = alphas_bar_sqrt.pow(Scalars.Two);
        var rescaled_alphas = cat([alphas_bar.narrow(0, 0, 1), alphas_bar.narrow(0, 1, n - 1) / alphas_bar.narrow(0, 0, n - 1)], 0);
        return rescaled_alphas.neg().add(Scalars.One, Scalars.One).MoveToOuterDisposeScope();
    }
}
