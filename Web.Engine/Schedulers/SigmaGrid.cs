using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// The σ-parameterisation shared by the Euler, LMS and DPM-Solver schedulers: x_t = x₀ + σ_t·ε with
/// σ_t = √((1 − ᾱ_t)/ᾱ_t) (Karras et al. 2022, "Elucidating the Design Space of Diffusion-Based
/// Generative Models", arXiv:2206.00364), and the grids diffusers derives from it, with numpy's arithmetic.
/// </summary>
internal static class SigmaGrid
{
    /// <summary>σ for every training timestep, ascending in t, computed in float32 torch ops as diffusers does.</summary>
    public static float[] TrainingSigmas(Tensor alphasCumprod)
    {
        using var scope = NewDisposeScope();
        return (alphasCumprod.neg().add(Scalars.One, Scalars.One) / alphasCumprod).pow(Scalars.Half).data<float>().ToArray();
    }

    /// <summary><c>np.log</c> of the float32 σ table (a float32 result).</summary>
    public static float[] LogSigmas(float[] sigmas) => sigmas.Select(s => (float)Math.Log(s)).ToArray();

    /// <summary>
    /// The fractional timesteps of the Euler and LMS schedulers (float32 values, descending): linspace is
    /// not rounded, leading and trailing are the integer grids of DDIM.
    /// </summary>
    public static double[] DiscreteTimesteps(TimestepSpacing spacing, int N, int n, int stepsOffset) => spacing switch
    {
        TimestepSpacing.Linspace => TimestepGrid.Reversed(TimestepGrid.Linspace(0, N - 1, n)).Select(t => (double)(float)t).ToArray(),
        TimestepSpacing.Leading => Enumerable.Range(0, n).Reverse().Select(i => (double)(float)(i * (N / n)) + stepsOffset).ToArray(),
        _ => TimestepGrid.Round(TimestepGrid.Arange(N, 0, -(double)N / n)).Select(t => (double)(float)t - 1).ToArray(),
    };

    /// <summary>σ at each (fractional) timestep by linear interpolation of the training table (<c>np.interp</c>).</summary>
    public static double[] Interpolate(double[] timesteps, float[] trainingSigmas) =>
        timesteps.Select(t => TimestepGrid.Interp(t, trainingSigmas)).ToArray();

    /// <summary>
    /// Karras et al. 2022, eq. (5) with ρ = 7: σᵢ = (σ_max^{1/ρ} + i/(n−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ,
    /// which spends more steps at low noise than a uniform grid in t.
    /// </summary>
    public static double[] Karras(double sigmaMin, double sigmaMax, int n)
    {
        const double rho = 7.0;
        var ramp = TimestepGrid.Linspace(0, 1, n);
        var min_inv_rho = Math.Pow(sigmaMin, 1 / rho);
        var max_inv_rho = Math.Pow(sigmaMax, 1 / rho);
        return ramp.Select(r => Math.Pow(max_inv_rho + r * (min_inv_rho - max_inv_rho), rho)).ToArray();
    }

    /// <summary>Uniform steps in log σ (= −λ, the half log-SNR), as DPM-Solver's "uniform logSNR" grid (Lu et al. 2022).</summary>
    public static double[] UniformLogSigma(double logSigmaMin, double logSigmaMax, int n)
    {
        var ramp = TimestepGrid.Linspace(0, 1, n);
        return ramp.Select(r => Math.Exp(logSigmaMax + r * (logSigmaMin - logSigmaMax))).ToArray();
    }

    /// <summary>
    /// The fractional training timestep whose σ is <paramref name="sigma"/>: linear interpolation in log σ
    /// between the two neighbouring table entries. The distances and weight are float32, as numpy 1.x
    /// computes a float64 scalar against a float32 table; the final blend of the indices is float64.
    /// </summary>
    public static double SigmaToT(double sigma, float[] logSigmas)
    {
        var log_sigma = (float)Math.Log(Math.Max(sigma, 1e-10));
        var low_idx = 0;
        for (var i = 0; i < logSigmas.Length; i++)
            if (log_sigma - logSigmas[i] >= 0)
                low_idx = i;
        low_idx = Math.Min(low_idx, logSigmas.Length - 2);
        var high_idx = low_idx + 1;

        var low = logSigmas[low_idx];
        var high = logSigmas[high_idx];
        var w = (low - log_sigma) / (low - high);
        w = Math.Clamp(w, 0f, 1f);
        return (double)(1 - w) * low_idx + (double)w * high_idx;
    }

    /// <summary>σ values as the float32 tensor diffusers keeps, with the final σ appended.</summary>
    public static Tensor WithFinalSigma(IEnumerable<double> sigmas, double finalSigma) =>
        tensor(sigmas.Append(finalSigma).Select(s => (float)s).ToArray());
}
