using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// Denoising Diffusion Implicit Models (Song, Meng and Ermon 2020, arXiv:2010.02502), a port of
/// diffusers 0.27.2 <c>DDIMScheduler</c>. η = 0 gives the deterministic DDIM sampler, η = 1 DDPM's
/// ancestral variance.
/// </summary>
public sealed class DDIMScheduler : DiffusionScheduler
{
    private readonly PredictionType prediction_type;
    private readonly TimestepSpacing timestep_spacing;
    private readonly bool clip_sample;
    private readonly double final_alpha_cumprod;

    public DDIMScheduler(SchedulerConfig? config = null)
        : base(config ??= new SchedulerConfig(), config.RescaleBetasZeroSnr)
    {
        prediction_type = ConfigChoice.Prediction(config, Name, PredictionType.Epsilon, PredictionType.Sample, PredictionType.VPrediction);
        timestep_spacing = ConfigChoice.Spacing(config, Name, TimestepSpacing.Leading);
        clip_sample = config.ClipSample ?? true;
        // ᾱ "before" the first training step: 1 (clean data), or ᾱ₀ as in SD 1.5's config.
        final_alpha_cumprod = config.SetAlphaToOne ?? true ? 1.0 : AlphasCumprodValues[0];
        using var last = (NumTrainTimesteps - 1).ToScalar();
        ReplaceSchedule(arange(last, Scalars.MinusOne, Scalars.MinusOne, ScalarType.Int64), null);
    }

    /// <summary>η of eq. (16): 0 is deterministic DDIM, 1 matches DDPM's posterior variance.</summary>
    public double Eta { get; set; }

    /// <summary>Re-derive ε from the clipped x₀ (diffusers' <c>use_clipped_model_output</c>).</summary>
    public bool UseClippedModelOutput { get; set; }

    public override double InitNoiseSigma => 1.0;

    public override void SetTimesteps(int numInferenceSteps)
    {
        CheckInferenceSteps(numInferenceSteps);
        var N = NumTrainTimesteps;
        var n = numInferenceSteps;
        var timesteps = timestep_spacing switch
        {
            TimestepSpacing.Linspace => TimestepGrid.Reversed(TimestepGrid.Round(TimestepGrid.Linspace(0, N - 1, n))),
            TimestepSpacing.Leading => Enumerable.Range(0, n).Reverse().Select(i => (double)(i * (N / n) + Config.StepsOffset)).ToArray(),
            _ => TimestepGrid.Round(TimestepGrid.Arange(N, 0, -(double)N / n)).Select(t => t - 1).ToArray(),
        };
        ReplaceSchedule(tensor(timesteps.Select(t => (long)t).ToArray()), null);
        NumInferenceSteps = n;
    }

    public override SchedulerOutput Step(Tensor modelOutput, double timestep, Tensor sample)
    {
        var num_inference_steps = RequireInferenceSteps();
        var t = TrainIndex(timestep);
        using var scope = NewDisposeScope();

        // 1. The previous timestep, t − N/n.
        var prev_timestep = t - NumTrainTimesteps / num_inference_steps;

        // 2. ᾱ_t and ᾱ_{t−1}.
        double alpha_prod_t = AlphasCumprodValues[t];
        var alpha_prod_t_prev = AlphaProdBefore(prev_timestep);
        var beta_prod_t = 1 - alpha_prod_t;
        using var sqrt_alpha_prod_t = Math.Sqrt(alpha_prod_t).ToScalar();
        using var sqrt_beta_prod_t = Math.Sqrt(beta_prod_t).ToScalar();

        // 3. The predicted x₀ ("predicted x_0" of eq. (12)) and the predicted ε.
        Tensor pred_original_sample, pred_epsilon;
        switch (prediction_type)
        {
            case PredictionType.Epsilon:
                pred_original_sample = (sample - sqrt_beta_prod_t * modelOutput) / sqrt_alpha_prod_t;
                pred_epsilon = modelOutput;
                break;
            case PredictionType.Sample:
                pred_original_sample = modelOutput.alias();
                pred_epsilon = (sample - sqrt_alpha_prod_t * pred_original_sample) / sqrt_beta_prod_t;
                break;
            default:
                pred_original_sample = sqrt_alpha_prod_t * sample - sqrt_beta_prod_t * modelOutput;
                pred_epsilon = (sqrt_alpha_prod_t * modelOutput).add(sqrt_beta_prod_t * sample, Scalars.One);
                break;
        }

        // 4. Clip or threshold the predicted x₀.
        if (Config.Thresholding)
            pred_original_sample = DynamicThresholding.Apply(pred_original_sample, Config.DynamicThresholdingRatio, Config.SampleMaxValue);
        else if (clip_sample)
        {
            using var low = (-Config.ClipSampleRange).ToScalar();
            using var high = Config.ClipSampleRange.ToScalar();
            pred_original_sample = pred_original_sample.clamp(low, high);
        }

        // 5. σ_t(η) of eq. (16).
        var variance = GetVariance(t, prev_timestep);
        var std_dev_t = Eta * Math.Sqrt(variance);

        if (UseClippedModelOutput)
            pred_epsilon = (sample - sqrt_alpha_prod_t * pred_original_sample) / sqrt_beta_prod_t;

        // 6. The "direction pointing to x_t" of eq. (12).
        using var direction_coefficient = Math.Sqrt(1 - alpha_prod_t_prev - std_dev_t * std_dev_t).ToScalar();
        var pred_sample_direction = direction_coefficient * pred_epsilon;

        // 7. x_{t−1} of eq. (12), without the random term ...
        using var sqrt_alpha_prod_t_prev = Math.Sqrt(alpha_prod_t_prev).ToScalar();
        var prev_sample = (sqrt_alpha_prod_t_prev * pred_original_sample).add(pred_sample_direction, Scalars.One);

        // 8. ... which η > 0 adds.
        if (Eta > 0)
        {
            using var noise_scale = std_dev_t.ToScalar();
            prev_sample = prev_sample.add(noise_scale * DrawNoise(modelOutput), Scalars.One);
        }

        scope.MoveToOuter(prev_sample, pred_original_sample);
        return new SchedulerOutput(prev_sample, pred_original_sample);
    }

    /// <summary>σ_t(η=1)² of eq. (16): (1 − ᾱ_{t−1})/(1 − ᾱ_t) · (1 − ᾱ_t/ᾱ_{t−1}).</summary>
    public double GetVariance(int timestep, int prevTimestep)
    {
        double alpha_prod_t = AlphasCumprodValues[timestep];
        var alpha_prod_t_prev = AlphaProdBefore(prevTimestep);
        var beta_prod_t = 1 - alpha_prod_t;
        var beta_prod_t_prev = 1 - alpha_prod_t_prev;
        return beta_prod_t_prev / beta_prod_t * (1 - alpha_prod_t / alpha_prod_t_prev);
    }

    /// <summary>x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε for integer training timesteps (one per sample, or one for all).</summary>
    public override Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor timesteps) =>
        AlphaSchedule.AddNoise(this, originalSamples, noise, timesteps);

    /// <summary>The v-prediction target v = √ᾱ_t·ε − √(1−ᾱ_t)·x₀ (Salimans and Ho 2022, arXiv:2202.00512).</summary>
    public Tensor GetVelocity(Tensor sample, Tensor noise, Tensor timesteps) =>
        AlphaSchedule.Velocity(this, sample, noise, timesteps);

    /// <summary>What the model predicts, from the config's <c>prediction_type</c>.</summary>
    public PredictionType PredictionType => prediction_type;

    /// <summary>
    /// What the model should output for x_t = <see cref="AddNoise"/>(x₀, ε, t), as diffusers' training scripts choose
    /// it from <c>prediction_type</c>: ε, v (<see cref="GetVelocity"/>) or x₀; a new tensor.
    /// </summary>
    public Tensor TrainingTarget(Tensor sample, Tensor noise, Tensor timesteps) => prediction_type switch
    {
        PredictionType.VPrediction => GetVelocity(sample, noise, timesteps),
        PredictionType.Sample => sample.alias(),
        _ => noise.alias(),
    };

    private double AlphaProdBefore(int prevTimestep) =>
        prevTimestep >= 0 ? AlphasCumprodValues[prevTimestep] : final_alpha_cumprod;

    private int TrainIndex(double timestep)
    {
        if (timestep != Math.Floor(timestep) || timestep < 0 || timestep >= NumTrainTimesteps)
            throw new ArgumentOutOfRangeException(nameof(timestep), $"{Name} steps integer timesteps in [0, {NumTrainTimesteps}); got {timestep}");
        return (int)timestep;
    }
}
