using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// Euler's method on the probability-flow ODE dx/dσ = (x − x₀(x, σ))/σ: the sampler of Karras et al.
/// 2022 (arXiv:2206.00364, Algorithm 2) with Euler steps only and optional "churn", a port of diffusers 0.27.2
/// <c>EulerDiscreteScheduler</c>.
/// </summary>
public sealed class EulerDiscreteScheduler : DiffusionScheduler
{
    private readonly PredictionType prediction_type;
    private readonly TimestepSpacing timestep_spacing;
    private readonly bool continuous_timesteps;
    private readonly float[] training_sigmas;
    private readonly float[] log_sigmas;

    public EulerDiscreteScheduler(SchedulerConfig? config = null)
        : base(config ??= new SchedulerConfig(), config.RescaleBetasZeroSnr, zeroSnrFinalAlphaCumprod: true)
    {
        // diffusers' Euler also spells x₀ prediction "original_sample".
        var prediction = config.PredictionType == "original_sample" ? config with { PredictionType = "sample" } : config;
        prediction_type = ConfigChoice.Prediction(prediction, Name, PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample);
        timestep_spacing = ConfigChoice.Spacing(config, Name, TimestepSpacing.Linspace);
        ConfigChoice.Parse(config.InterpolationType, "interpolation_type", Name, ("linear", 0));
        continuous_timesteps = ConfigChoice.Parse(config.TimestepType, "timestep_type", Name, ("discrete", false), ("continuous", true))
            && prediction_type == PredictionType.VPrediction;

        training_sigmas = SigmaGrid.TrainingSigmas(AlphasCumprod);
        log_sigmas = SigmaGrid.LogSigmas(training_sigmas);
        // Before SetTimesteps, the schedule is every training timestep (used for noising in training).
        var timesteps = TimestepGrid.Reversed(TimestepGrid.Linspace(0, NumTrainTimesteps - 1, NumTrainTimesteps));
        var sigmas = training_sigmas.Reverse().Select(s => (double)s).ToArray();
        Install(timesteps, sigmas);
    }

    /// <summary>Karras' S_churn: how much noise to re-inject per step (0: the deterministic sampler).</summary>
    public double SChurn { get; set; }

    public double STmin { get; set; }

    public double STmax { get; set; } = double.PositiveInfinity;

    public double SNoise { get; set; } = 1.0;

    public override double InitNoiseSigma => SigmaSchedulers.InitNoiseSigma(SigmaValues, timestep_spacing);

    public override void SetTimesteps(int numInferenceSteps)
    {
        CheckInferenceSteps(numInferenceSteps);
        var timesteps = SigmaGrid.DiscreteTimesteps(timestep_spacing, NumTrainTimesteps, numInferenceSteps, Config.StepsOffset);
        var sigmas = SigmaGrid.Interpolate(timesteps, training_sigmas);
        if (Config.UseKarrasSigmas)
        {
            sigmas = SigmaGrid.Karras(Config.SigmaMin ?? sigmas[^1], Config.SigmaMax ?? sigmas[0], numInferenceSteps);
            timesteps = sigmas.Select(sigma => SigmaGrid.SigmaToT(sigma, log_sigmas)).ToArray();
        }
        Install(timesteps, sigmas);
        NumInferenceSteps = numInferenceSteps;
    }

    public override Tensor ScaleModelInput(Tensor sample, double timestep) =>
        SigmaSchedulers.ScaleModelInput(sample, SigmaValues[CurrentStepIndex(timestep)]);

    public override SchedulerOutput Step(Tensor modelOutput, double timestep, Tensor sample)
    {
        var step_index = CurrentStepIndex(timestep);
        using var scope = NewDisposeScope();
        // Upcast so that the small update is not lost to half-precision rounding.
        var x = sample.to_type(ScalarType.Float32);
        double sigma = SigmaValues[step_index];

        // 1. Churn: raise the noise level to σ̂ = σ(1 + γ) by adding fresh noise. diffusers draws (and
        // multiplies by 0) noise even when γ = 0; skipping that draw changes only the generator's position.
        var gamma = STmin <= sigma && sigma <= STmax ? Math.Min(SChurn / (SigmaValues.Length - 1), Math.Sqrt(2) - 1) : 0.0;
        var sigma_hat = sigma * (gamma + 1);
        if (gamma > 0)
        {
            using var s_noise = SNoise.ToScalar();
            using var churn = Math.Sqrt(sigma_hat * sigma_hat - sigma * sigma).ToScalar();
            var eps = DrawNoise(modelOutput) * s_noise;
            x = x.add(eps * churn, Scalars.One);
        }

        // 2. The denoised estimate x₀ at σ̂ (for v-prediction x₀ = −σ/√(σ²+1)·v + x/(σ²+1)).
        using var sigma_hat_s = sigma_hat.ToScalar();
        using var v_scale = (-sigma / Math.Sqrt(sigma * sigma + 1)).ToScalar();
        using var x_divisor = (sigma * sigma + 1).ToScalar();
        var pred_original_sample = prediction_type switch
        {
            PredictionType.Sample => modelOutput.alias(),
            PredictionType.Epsilon => x - sigma_hat_s * modelOutput,
            _ => (modelOutput * v_scale).add(x / x_divisor, Scalars.One),
        };

        // 3. The ODE derivative dx/dσ = (x − x₀)/σ̂, and one Euler step to the next σ.
        var derivative = (x - pred_original_sample) / sigma_hat_s;
        using var dt = (SigmaValues[step_index + 1] - sigma_hat).ToScalar();
        var prev_sample = x.add(derivative * dt, Scalars.One).to_type(modelOutput.dtype);

        StepIndex = step_index + 1;
        scope.MoveToOuter(prev_sample, pred_original_sample);
        return new SchedulerOutput(prev_sample, pred_original_sample);
    }

    public override Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor timesteps) =>
        SigmaSchedulers.AddNoise(originalSamples, noise, Sigmas!, NoiseStepIndices(timesteps));

    private void Install(double[] timesteps, double[] sigmas)
    {
        var timestep_values = continuous_timesteps
            ? sigmas.Select(s => 0.25f * MathF.Log((float)s)).ToArray()
            : timesteps.Select(t => (float)t).ToArray();
        ReplaceSchedule(tensor(timestep_values), SigmaGrid.WithFinalSigma(sigmas, 0));
    }
}
