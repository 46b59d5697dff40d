using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static Clap2Diffusion.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// Multistep DPM-Solver++ (Lu et al. 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion
/// Probabilistic Models", arXiv:2211.01095), a port of diffusers 0.27.2 <c>DPMSolverMultistepScheduler</c>
/// for the data-prediction algorithms <c>dpmsolver++</c> (the 2M sampler of most UIs) and
/// <c>sde-dpmsolver++</c>, orders 1–3, with Karras or uniform-logSNR σ grids.
/// Notation: α_t = 1/√(σ²+1), σ_t = σ·α_t, λ_t = log α_t − log σ_t, h = λ_t − λ_s.
/// </summary>
public sealed class DPMSolverMultistepScheduler : DiffusionScheduler
{
    private readonly PredictionType prediction_type;
    private readonly TimestepSpacing timestep_spacing;
    private readonly bool stochastic;
    private readonly bool heun;
    private readonly bool final_sigma_zero;
    private readonly int solver_order;
    private readonly float[] training_sigmas;
    private readonly float[] log_sigmas;
    private readonly Tensor?[] model_outputs;
    private int lower_order_nums;

    public DPMSolverMultistepScheduler(SchedulerConfig? config = null)
        : base(config ??= new SchedulerConfig(), config.RescaleBetasZeroSnr, zeroSnrFinalAlphaCumprod: true)
    {
        prediction_type = ConfigChoice.Prediction(config, Name, PredictionType.Epsilon, PredictionType.Sample, PredictionType.VPrediction);
        timestep_spacing = ConfigChoice.Spacing(config, Name, TimestepSpacing.Linspace);
        // DEIS and UniPC configs carry their own names; diffusers maps them onto these when swapping.
        stochastic = ConfigChoice.Parse(config.AlgorithmType, "algorithm_type", Name,
            ("dpmsolver++", false), ("sde-dpmsolver++", true), ("deis", false));
        heun = ConfigChoice.Parse(config.SolverType, "solver_type", Name,
            ("midpoint", false), ("heun", true), ("logrho", false), ("bh1", false), ("bh2", false));
        final_sigma_zero = ConfigChoice.Parse(config.FinalSigmasType, "final_sigmas_type", Name, ("zero", true), ("sigma_min", false));
        solver_order = config.SolverOrder;
        if (solver_order < 1 || solver_order > (stochastic ? 2 : 3))
            throw new InputException($"scheduler config: solver_order {solver_order} is not supported by {Name} {config.AlgorithmType}; use 1 to {(stochastic ? 2 : 3)}");
        if (config.VarianceType is not null)
            throw new InputException($"scheduler config: variance_type '{config.VarianceType}' (a model that also predicts its variance) is not supported by {Name}; use null");

        training_sigmas = SigmaGrid.TrainingSigmas(AlphasCumprod);
        log_sigmas = SigmaGrid.LogSigmas(training_sigmas);
        model_outputs = new Tensor?[solver_order];
    }

    public override double InitNoiseSigma => 1.0;

    public override void SetTimesteps(int numInferenceSteps)
    {
        CheckInferenceSteps(numInferenceSteps);
        var N = NumTrainTimesteps;
        var n = numInferenceSteps;
        // Steps whose log-SNR falls below lambda_min_clipped are cut from the top of the range.
        var last_timestep = N - ClippedSteps(Config.LambdaMinClipped);
        var timesteps = timestep_spacing switch
        {
            TimestepSpacing.Linspace => TimestepGrid.Reversed(TimestepGrid.Round(TimestepGrid.Linspace(0, last_timestep - 1, n + 1)))[..^1],
            TimestepSpacing.Leading => Enumerable.Range(0, n + 1).Reverse().Take(n)
                .Select(i => (double)(i * (last_timestep / (n + 1)) + Config.StepsOffset)).ToArray(),
            _ => TimestepGrid.Round(TimestepGrid.Arange(last_timestep, 0, -(double)N / n)).Select(t => t - 1).ToArray(),
        };

        double[] sigmas;
        if (Config.UseKarrasSigmas)
        {
            sigmas = SigmaGrid.Karras(Config.SigmaMin ?? training_sigmas[0], Config.SigmaMax ?? training_sigmas[^1], n);
            timesteps = sigmas.Select(sigma => TimestepGrid.Round(SigmaGrid.SigmaToT(sigma, log_sigmas))).ToArray();
        }
        else if (Config.UseLuLambdas)
        {
            sigmas = SigmaGrid.UniformLogSigma(log_sigmas[0], log_sigmas[^1], n);
            timesteps = sigmas.Select(sigma => TimestepGrid.Round(SigmaGrid.SigmaToT(sigma, log_sigmas))).ToArray();
        }
        else
            sigmas = timesteps.Select(t => (double)training_sigmas[(int)t]).ToArray();

        var sigma_last = final_sigma_zero ? 0.0 : training_sigmas[0];
        ClearHistory();
        lower_order_nums = 0;
        ReplaceSchedule(tensor(timesteps.Select(t => (long)t).ToArray()), SigmaGrid.WithFinalSigma(sigmas, sigma_last));
        NumInferenceSteps = timesteps.Length;
    }

    public override SchedulerOutput Step(Tensor modelOutput, double timestep, Tensor sample)
    {
        RequireInferenceSteps();
        var step_index = CurrentStepIndex(timestep);
        var steps = TimestepValues.Length;
        using var scope = NewDisposeScope();

        // 1. Lower the order at the end: always for a final σ of 0 (λ = ∞ there), and for short runs.
        var lower_order_final = step_index == steps - 1
            && (Config.EulerAtFinal || (Config.LowerOrderFinal && steps < 15) || final_sigma_zero);
        var lower_order_second = step_index == steps - 2 && Config.LowerOrderFinal && steps < 15;

        // 2. DPM-Solver++ works on the data prediction x₀; keep the last `solver_order` of them.
        var model_output = ConvertModelOutput(modelOutput, sample, step_index);
        model_outputs[0]?.Dispose();
        for (var i = 0; i < solver_order - 1; i++)
            model_outputs[i] = model_outputs[i + 1];
        model_outputs[^1] = Keep(model_output);

        var x = sample.to_type(ScalarType.Float32);
        var noise = stochastic ? DrawNoise(x) : null;

        // 3. The highest order the history allows.
        Tensor prev_sample;
        if (solver_order == 1 || lower_order_nums < 1 || lower_order_final)
            prev_sample = FirstOrderUpdate(model_output, x, noise, step_index);
        else if (solver_order == 2 || lower_order_nums < 2 || lower_order_second)
            prev_sample = SecondOrderUpdate(x, noise, step_index);
        else
            prev_sample = ThirdOrderUpdate(x, step_index);

        if (lower_order_nums < solver_order)
            lower_order_nums++;
        prev_sample = prev_sample.to_type(model_output.dtype);
        StepIndex = step_index + 1;
        scope.MoveToOuter(prev_sample, model_output);
        return new SchedulerOutput(prev_sample, model_output);
    }

    /// <summary>x₀ from the model output at σ (for ε: x₀ = (x − σ_t·ε)/α_t), optionally thresholded.</summary>
    private Tensor ConvertModelOutput(Tensor model_output, Tensor sample, int step_index)
    {
        var (alpha_t, sigma_t) = AlphaSigma(SigmaValues[step_index]);
        var x0_pred = prediction_type switch
        {
            PredictionType.Epsilon => DividedBy(sample - Times(sigma_t, model_output), alpha_t),
            PredictionType.Sample => model_output.alias(),
            _ => Times(alpha_t, sample) - Times(sigma_t, model_output),
        };
        return Config.Thresholding
            ? DynamicThresholding.Apply(x0_pred, Config.DynamicThresholdingRatio, Config.SampleMaxValue)
            : x0_pred;
    }

    /// <summary>DPM-Solver++(1), which is DDIM written in λ; the SDE variant adds fresh noise.</summary>
    private Tensor FirstOrderUpdate(Tensor m0, Tensor sample, Tensor? noise, int step_index)
    {
        var (alpha_t, sigma_t, _, sigma_s0, h) = Interval(step_index);
        if (noise is null)
            return Times(sigma_t / sigma_s0, sample) - Times(alpha_t * (Math.Exp(-h) - 1.0), m0);
        return Times(sigma_t / sigma_s0 * Math.Exp(-h), sample)
            .add(Times(alpha_t * (1 - Math.Exp(-2.0 * h)), m0), Scalars.One)
            .add(Times(sigma_t * Math.Sqrt(1.0 - Math.Exp(-2 * h)), noise), Scalars.One);
    }

    /// <summary>DPM-Solver++(2M), Algorithm 2: a first-order step plus the finite difference D1 of the last two x₀.</summary>
    private Tensor SecondOrderUpdate(Tensor sample, Tensor? noise, int step_index)
    {
        var (alpha_t, sigma_t, lambda_s0, sigma_s0, h) = Interval(step_index);
        var lambda_s1 = Lambda(SigmaValues[step_index - 1]);
        Tensor m0 = model_outputs[^1]!, m1 = model_outputs[^2]!;
        var h_0 = lambda_s0 - lambda_s1;
        var r0 = h_0 / h;
        var D0 = m0;
        var D1 = Times(1.0 / r0, m0 - m1);

        if (noise is null)
        {
            var first = Times(sigma_t / sigma_s0, sample) - Times(alpha_t * (Math.Exp(-h) - 1.0), D0);
            return heun
                ? first.add(Times(alpha_t * ((Math.Exp(-h) - 1.0) / h + 1.0), D1), Scalars.One)
                : first - Times(0.5 * (alpha_t * (Math.Exp(-h) - 1.0)), D1);
        }
        var stochastic_first = Times(sigma_t / sigma_s0 * Math.Exp(-h), sample)
            .add(Times(alpha_t * (1 - Math.Exp(-2.0 * h)), D0), Scalars.One)
            .add(Times(sigma_t * Math.Sqrt(1.0 - Math.Exp(-2 * h)), noise), Scalars.One);
        return heun
            ? stochastic_first.add(Times(alpha_t * ((1.0 - Math.Exp(-2.0 * h)) / (-2.0 * h) + 1.0), D1), Scalars.One)
            : stochastic_first.add(Times(0.5 * (alpha_t * (1 - Math.Exp(-2.0 * h))), D1), Scalars.One);
    }

    /// <summary>DPM-Solver++(3M): adds the second difference D2 of the last three x₀.</summary>
    private Tensor ThirdOrderUpdate(Tensor sample, int step_index)
    {
        var (alpha_t, sigma_t, lambda_s0, sigma_s0, h) = Interval(step_index);
        var lambda_s1 = Lambda(SigmaValues[step_index - 1]);
        var lambda_s2 = Lambda(SigmaValues[step_index - 2]);
        Tensor m0 = model_outputs[^1]!, m1 = model_outputs[^2]!, m2 = model_outputs[^3]!;
        double h_0 = lambda_s0 - lambda_s1, h_1 = lambda_s1 - lambda_s2;
        double r0 = h_0 / h, r1 = h_1 / h;
        var D0 = m0;
        Tensor D1_0 = Times(1.0 / r0, m0 - m1), D1_1 = Times(1.0 / r1, m1 - m2);
        var D1 = D1_0.add(Times(r0 / (r0 + r1), D1_0 - D1_1), Scalars.One);
        var D2 = Times(1.0 / (r0 + r1), D1_0 - D1_1);
        return (Times(sigma_t / sigma_s0, sample) - Times(alpha_t * (Math.Exp(-h) - 1.0), D0))
            .add(Times(alpha_t * ((Math.Exp(-h) - 1.0) / h + 1.0), D1), Scalars.One)
            - Times(alpha_t * ((Math.Exp(-h) - 1.0 + h) / (h * h) - 0.5), D2);
    }

    /// <summary>α_t, σ_t at the target, λ and σ_t at the current point, and the step h in λ.</summary>
    private (double AlphaT, double SigmaT, double LambdaS0, double SigmaS0, double H) Interval(int step_index)
    {
        var (alpha_t, sigma_t) = AlphaSigma(SigmaValues[step_index + 1]);
        var (alpha_s0, sigma_s0) = AlphaSigma(SigmaValues[step_index]);
        var lambda_t = Math.Log(alpha_t) - Math.Log(sigma_t);
        var lambda_s0 = Math.Log(alpha_s0) - Math.Log(sigma_s0);
        return (alpha_t, sigma_t, lambda_s0, sigma_s0, lambda_t - lambda_s0);
    }

    private static double Lambda(double sigma)
    {
        var (alpha_t, sigma_t) = AlphaSigma(sigma);
        return Math.Log(alpha_t) - Math.Log(sigma_t);
    }

    /// <summary>From the σ-parameterisation to the VP one: α_t = 1/√(σ²+1), σ_t = σ·α_t.</summary>
    private static (double Alpha, double Sigma) AlphaSigma(double sigma)
    {
        var alpha_t = 1 / Math.Sqrt(sigma * sigma + 1);
        return (alpha_t, sigma * alpha_t);
    }

    /// <summary>How many training steps have λ_t below <paramref name="lambdaMin"/> (a searchsorted on the ascending λ).</summary>
    private int ClippedSteps(double lambdaMin)
    {
        if (double.IsNegativeInfinity(lambdaMin))
            return 0;
        using var scope = NewDisposeScope();
        var lambda_t = AlphasCumprod.sqrt().log() - AlphasCumprod.neg().add(Scalars.One, Scalars.One).sqrt().log();
        return lambda_t.data<float>().ToArray().Count(lambda => lambda < lambdaMin);
    }

    /// <summary>A timestep missing from the schedule maps to the last step, as in diffusers.</summary>
    protected override int IndexForTimestep(double timestep)
    {
        var matches = MatchingIndices(timestep);
        return matches.Count switch
        {
            0 => TimestepValues.Length - 1,
            1 => matches[0],
            _ => matches[1],
        };
    }

    /// <summary>x_t = α_t·x₀ + σ_t·ε at the σ of each step index.</summary>
    public override Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor timesteps)
    {
        RequireInferenceSteps();
        using var scope = NewDisposeScope();
        var sigma = PerSample(Sigmas!.to(originalSamples.device).to_type(originalSamples.dtype)
            .index_select(0, tensor(NoiseStepIndices(timesteps), device: originalSamples.device)), originalSamples);
        // 1/√(σ²+1); the operator 1/x computed x.reciprocal()·1, which equals x.reciprocal() exactly.
        var alpha_t = sigma.pow(Scalars.Two).add(Scalars.One, Scalars.One).pow(Scalars.Half).reciprocal();
        var sigma_t = sigma * alpha_t;
        var noisy_samples = (alpha_t * originalSamples).add(sigma_t * noise, Scalars.One);
        return noisy_samples.MoveToOuterDisposeScope();
    }

    protected override void ClearHistory()
    {
        for (var i = 0; i < model_outputs.Length; i++)
        {
            model_outputs[i]?.Dispose();
            model_outputs[i] = null;
        }
    }
}
