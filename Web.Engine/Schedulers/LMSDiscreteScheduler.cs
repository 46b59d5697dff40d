using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// A linear multistep method on the σ-ODE dx/dσ = (x − x₀)/σ (k-diffusion's <c>sample_lms</c>), a port
/// of diffusers 0.27.2 <c>LMSDiscreteScheduler</c>: the last k derivatives are combined with weights
/// ∫ ℓⱼ(τ) dτ over [σᵢ, σᵢ₊₁], where ℓⱼ is the Lagrange basis polynomial through the last k σ values.
/// </summary>
public sealed class LMSDiscreteScheduler : DiffusionScheduler
{
    private readonly PredictionType prediction_type;
    private readonly TimestepSpacing timestep_spacing;
    private readonly float[] training_sigmas;
    private readonly float[] log_sigmas;
    private readonly List<Tensor> derivatives = [];
    private int order = 4;

    public LMSDiscreteScheduler(SchedulerConfig? config = null)
        : base(config ??= new SchedulerConfig(), rescaleBetasZeroSnr: false)
    {
        prediction_type = ConfigChoice.Prediction(config, Name, PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample);
        timestep_spacing = ConfigChoice.Spacing(config, Name, TimestepSpacing.Linspace);
        training_sigmas = SigmaGrid.TrainingSigmas(AlphasCumprod);
        log_sigmas = SigmaGrid.LogSigmas(training_sigmas);
        SetTimesteps(NumTrainTimesteps);
    }

    /// <summary>The number of past derivatives combined (diffusers' <c>step(order=4)</c>).</summary>
    public int LmsOrder
    {
        get => order;
        set => order = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), "the LMS order must be at least 1");
    }

    public override double InitNoiseSigma => SigmaSchedulers.InitNoiseSigma(SigmaValues, timestep_spacing);

    public override void SetTimesteps(int numInferenceSteps)
    {
        CheckInferenceSteps(numInferenceSteps);
        var timesteps = SigmaGrid.DiscreteTimesteps(timestep_spacing, NumTrainTimesteps, numInferenceSteps, Config.StepsOffset);
        var sigmas = SigmaGrid.Interpolate(timesteps, training_sigmas);
        Tensor timestep_tensor;
        if (Config.UseKarrasSigmas)
        {
            sigmas = SigmaGrid.Karras(sigmas[^1], sigmas[0], numInferenceSteps);
            // diffusers keeps these fractional timesteps in float64.
            timestep_tensor = tensor(sigmas.Select(sigma => SigmaGrid.SigmaToT(sigma, log_sigmas)).ToArray());
        }
        else
            timestep_tensor = tensor(timesteps.Select(t => (float)t).ToArray());
        ClearHistory();
        ReplaceSchedule(timestep_tensor, SigmaGrid.WithFinalSigma(sigmas, 0));
        NumInferenceSteps = numInferenceSteps;
    }

    public override Tensor ScaleModelInput(Tensor sample, double timestep) =>
        SigmaSchedulers.ScaleModelInput(sample, SigmaValues[CurrentStepIndex(timestep)]);

    public override SchedulerOutput Step(Tensor modelOutput, double timestep, Tensor sample)
    {
        var step_index = CurrentStepIndex(timestep);
        using var scope = NewDisposeScope();
        double sigma = SigmaValues[step_index];

        // 1. The denoised estimate x₀ (for v-prediction x₀ = −σ/√(σ²+1)·v + x/(σ²+1)).
        using var sigma_s = sigma.ToScalar();
        using var v_scale = (-sigma / Math.Sqrt(sigma * sigma + 1)).ToScalar();
        using var x_divisor = (sigma * sigma + 1).ToScalar();
        var pred_original_sample = prediction_type switch
        {
            PredictionType.Epsilon => sample - sigma_s * modelOutput,
            PredictionType.VPrediction => (modelOutput * v_scale).add(sample / x_divisor, Scalars.One),
            _ => modelOutput.alias(),
        };

        // 2. The ODE derivative, appended to the history of the last `order` derivatives.
        var derivative = (sample - pred_original_sample) / sigma_s;
        derivatives.Add(Keep(derivative));
        if (derivatives.Count > order)
        {
            derivatives[0].Dispose();
            derivatives.RemoveAt(0);
        }

        // 3. Linear multistep: x_{i+1} = x_i + Σⱼ cⱼ·d_{i−j}. The order grows with the step index, not
        // with the history, so a run that starts mid-schedule (img2img) uses a high-order basis on a
        // short history, as diffusers does.
        var current_order = Math.Min(step_index + 1, order);
        var history = Enumerable.Reverse(derivatives).ToList();
        Tensor? update = null;
        for (var j = 0; j < Math.Min(current_order, history.Count); j++)
        {
            using var coefficient = GetLmsCoefficient(current_order, step_index, j).ToScalar();
            var term = coefficient * history[j];
            update = update is null ? term : update.add(term, Scalars.One);
        }
        var prev_sample = sample.add(update!, Scalars.One);

        StepIndex = step_index + 1;
        scope.MoveToOuter(prev_sample, pred_original_sample);
        return new SchedulerOutput(prev_sample, pred_original_sample);
    }

    /// <summary>∫_{σ_t}^{σ_{t+1}} ℓ_j(τ) dτ for the Lagrange basis through σ_t, σ_{t−1}, …, σ_{t−order+1}.</summary>
    public double GetLmsCoefficient(int order, int t, int current_order)
    {
        double LmsDerivative(double tau)
        {
            var prod = 1.0;
            for (var k = 0; k < order; k++)
            {
                if (current_order == k)
                    continue;
                prod *= (tau - SigmaValues[t - k]) / ((double)SigmaValues[t - current_order] - SigmaValues[t - k]);
            }
            return prod;
        }

        // ℓ_j has degree order−1, which ⌈order/2⌉ Gauss-Legendre nodes integrate exactly.
        return GaussLegendre.Integrate(LmsDerivative, SigmaValues[t], SigmaValues[t + 1], (order + 1) / 2);
    }

    public override Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor timesteps) =>
        SigmaSchedulers.AddNoise(originalSamples, noise, Sigmas!, NoiseStepIndices(timesteps));

    protected override void ClearHistory()
    {
        foreach (var d in derivatives)
            d.Dispose();
        derivatives.Clear();
    }
}
