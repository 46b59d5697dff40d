using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// Ancestral sampling with Euler steps (k-diffusion's <c>sample_euler_ancestral</c>), a port of diffusers
/// 0.27.2 <c>EulerAncestralDiscreteScheduler</c>: each step goes deterministically down to σ_down and adds
/// fresh noise of size σ_up, with σ_down² + σ_up² = σ_next², so the marginals stay those of the forward process.
/// </summary>
public sealed class EulerAncestralDiscreteScheduler : DiffusionScheduler
{
    private readonly PredictionType prediction_type;
    private readonly TimestepSpacing timestep_spacing;
    private readonly float[] training_sigmas;

    public EulerAncestralDiscreteScheduler(SchedulerConfig? config = null)
        : base(config ??= new SchedulerConfig(), config.RescaleBetasZeroSnr, zeroSnrFinalAlphaCumprod: true)
    {
        prediction_type = ConfigChoice.Prediction(config, Name, PredictionType.Epsilon, PredictionType.VPrediction);
        timestep_spacing = ConfigChoice.Spacing(config, Name, TimestepSpacing.Linspace);
        training_sigmas = SigmaGrid.TrainingSigmas(AlphasCumprod);
        var timesteps = TimestepGrid.Reversed(TimestepGrid.Linspace(0, NumTrainTimesteps - 1, NumTrainTimesteps));
        Install(timesteps, training_sigmas.Reverse().Select(s => (double)s).ToArray());
    }

    public override double InitNoiseSigma => SigmaSchedulers.InitNoiseSigma(SigmaValues, timestep_spacing);

    public override void SetTimesteps(int numInferenceSteps)
    {
        CheckInferenceSteps(numInferenceSteps);
        var timesteps = SigmaGrid.DiscreteTimesteps(timestep_spacing, NumTrainTimesteps, numInferenceSteps, Config.StepsOffset);
        Install(timesteps, SigmaGrid.Interpolate(timesteps, training_sigmas));
        NumInferenceSteps = numInferenceSteps;
    }

    public override Tensor ScaleModelInput(Tensor sample, double timestep) =>
        SigmaSchedulers.ScaleModelInput(sample, SigmaValues[CurrentStepIndex(timestep)]);

    public override SchedulerOutput Step(Tensor modelOutput, double timestep, Tensor sample)
    {
        var step_index = CurrentStepIndex(timestep);
        using var scope = NewDisposeScope();
        double sigma = SigmaValues[step_index];
        var x = sample.to_type(ScalarType.Float32);
        using var sigma_s = sigma.ToScalar();

        // 1. The denoised estimate x₀ (for v-prediction x₀ = −σ/√(σ²+1)·v + x/(σ²+1)).
        Tensor pred_original_sample;
        if (prediction_type == PredictionType.Epsilon)
            pred_original_sample = x - sigma_s * modelOutput;
        else
        {
            using var v_scale = (-sigma / Math.Sqrt(sigma * sigma + 1)).ToScalar();
            using var x_divisor = (sigma * sigma + 1).ToScalar();
            pred_original_sample = (modelOutput * v_scale).add(x / x_divisor, Scalars.One);
        }

        // 2. Split the next noise level into a deterministic part σ_down and fresh noise σ_up.
        var sigma_from = sigma;
        double sigma_to = SigmaValues[step_index + 1];
        var sigma_up = Math.Sqrt(sigma_to * sigma_to * (sigma_from * sigma_from - sigma_to * sigma_to) / (sigma_from * sigma_from));
        var sigma_down = Math.Sqrt(sigma_to * sigma_to - sigma_up * sigma_up);

        // 3. An Euler step of the ODE dx/dσ = (x − x₀)/σ down to σ_down ...
        var derivative = (x - pred_original_sample) / sigma_s;
        using var dt = (sigma_down - sigma).ToScalar();
        var prev_sample = x.add(derivative * dt, Scalars.One);

        // 4. ... then the ancestral noise. It is drawn even when σ_up = 0, as diffusers does, so a seeded
        // generator stays in step with diffusers' draws.
        var noise = DrawNoise(modelOutput);
        using var sigma_up_s = sigma_up.ToScalar();
        prev_sample = prev_sample.add(noise * sigma_up_s, Scalars.One).to_type(modelOutput.dtype);

        StepIndex = step_index + 1;
        scope.MoveToOuter(prev_sample, pred_original_sample);
        return new SchedulerOutput(prev_sample, pred_original_sample);
    }

    public override Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor timesteps) =>
        SigmaSchedulers.AddNoise(originalSamples, noise, Sigmas!, NoiseStepIndices(timesteps));

    private void Install(double[] timesteps, double[] sigmas) =>
        ReplaceSchedule(tensor(timesteps.Select(t => (float)t).ToArray()), SigmaGrid.WithFinalSigma(sigmas, 0));
}
