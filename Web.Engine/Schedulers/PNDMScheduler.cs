using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// Pseudo Numerical methods for Diffusion Models (Liu, Ren, Lin and Zhao 2022, arXiv:2202.09778), a port
/// of diffusers 0.27.2 <c>PNDMScheduler</c>: a fourth-order linear multistep method (PLMS) on the DDIM
/// transfer of eq. (9), warmed up either with four Runge-Kutta steps (PRK) or, with
/// <c>skip_prk_steps</c> as Stable Diffusion ships it, with lower-order multistep formulas.
/// </summary>
public sealed class PNDMScheduler : DiffusionScheduler
{
    // The Runge-Kutta and Adams-Bashforth weights as Scalars made once, so no step hands LibTorch an unowned
    // Scalar (decision record 0010); each keeps the C# type of the literal it replaced.
    private static readonly Scalar Sixth = (1.0 / 6).ToScalar();
    private static readonly Scalar Third = (1.0 / 3).ToScalar();
    private static readonly Scalar TwentyFourth = (1.0 / 24).ToScalar();
    private static readonly Scalar Three = 3.ToScalar();
    private static readonly Scalar Five = 5.ToScalar();
    private static readonly Scalar Nine = 9.ToScalar();
    private static readonly Scalar Twelve = 12.ToScalar();
    private static readonly Scalar Sixteen = 16.ToScalar();
    private static readonly Scalar TwentyThree = 23.ToScalar();
    private static readonly Scalar ThirtySeven = 37.ToScalar();
    private static readonly Scalar FiftyFive = 55.ToScalar();
    private static readonly Scalar FiftyNine = 59.ToScalar();

    private const int pndm_order = 4;

    private readonly PredictionType prediction_type;
    private readonly TimestepSpacing timestep_spacing;
    private readonly double final_alpha_cumprod;

    private long[] prk_timesteps = [];
    private long[] plms_timesteps = [];
    private readonly List<Tensor> ets = [];
    private Tensor? cur_model_output;
    private Tensor? cur_sample;
    private int counter;

    public PNDMScheduler(SchedulerConfig? config = null)
        : base(config ??= new SchedulerConfig(), rescaleBetasZeroSnr: false)
    {
        prediction_type = ConfigChoice.Prediction(config, Name, PredictionType.Epsilon, PredictionType.VPrediction);
        timestep_spacing = ConfigChoice.Spacing(config, Name, TimestepSpacing.Leading);
        final_alpha_cumprod = config.SetAlphaToOne ?? false ? 1.0 : AlphasCumprodValues[0];
    }

    public override double InitNoiseSigma => 1.0;

    /// <summary>The Runge-Kutta warm-up timesteps (empty with <c>skip_prk_steps</c>), then the PLMS ones.</summary>
    public IReadOnlyList<long> PrkTimesteps => prk_timesteps;

    public IReadOnlyList<long> PlmsTimesteps => plms_timesteps;

    public override void SetTimesteps(int numInferenceSteps)
    {
        CheckInferenceSteps(numInferenceSteps);
        if (!Config.SkipPrkSteps && numInferenceSteps < pndm_order)
            throw new InputException($"{Name}: Runge-Kutta warm-up needs at least {pndm_order} inference steps; got {numInferenceSteps} (or set skip_prk_steps)");
        var N = NumTrainTimesteps;
        var n = numInferenceSteps;
        // Ascending here; the schedule runs them backwards.
        var _timesteps = (timestep_spacing switch
        {
            TimestepSpacing.Linspace => TimestepGrid.Round(TimestepGrid.Linspace(0, N - 1, n)),
            TimestepSpacing.Leading => Enumerable.Range(0, n).Select(i => (double)(i * (N / n) + Config.StepsOffset)).ToArray(),
            _ => TimestepGrid.Reversed(TimestepGrid.Round(TimestepGrid.Arange(N, 0, -(double)N / n))).Select(t => t - 1).ToArray(),
        }).Select(t => (long)t).ToArray();

        if (Config.SkipPrkSteps)
        {
            // PLMS warm-up takes two model calls at the second timestep: [t₀, t₁, t₁, t₂, …].
            prk_timesteps = [];
            var plms = _timesteps[..^1].ToList();
            if (_timesteps.Length >= 2)
                plms.Add(_timesteps[^2]);
            plms.Add(_timesteps[^1]);
            plms.Reverse();
            plms_timesteps = [.. plms];
        }
        else
        {
            // Four RK4 steps over the last four intervals, each with model calls at t, t−δ/2, t−δ/2, t−δ.
            var half = N / n / 2;
            var prk = _timesteps[^pndm_order..].SelectMany(t => new[] { t, t + half }).ToArray();
            var repeated = prk[..^1].SelectMany(t => new[] { t, t }).ToArray();
            prk_timesteps = repeated[1..^1].Reverse().ToArray();
            plms_timesteps = _timesteps[..^3].Reverse().ToArray();
        }

        ClearHistory();
        counter = 0;
        ReplaceSchedule(tensor(prk_timesteps.Concat(plms_timesteps).ToArray()), null);
        NumInferenceSteps = n;
    }

    public override SchedulerOutput Step(Tensor modelOutput, double timestep, Tensor sample)
    {
        RequireInferenceSteps();
        using var scope = NewDisposeScope();
        var prev_sample = counter < prk_timesteps.Length && !Config.SkipPrkSteps
            ? StepPrk(modelOutput, (int)timestep, sample)
            : StepPlms(modelOutput, (int)timestep, sample);
        scope.MoveToOuter(prev_sample);
        return new SchedulerOutput(prev_sample);
    }

    /// <summary>One of the four model calls of a Runge-Kutta step (PRK); the fourth completes it.</summary>
    private Tensor StepPrk(Tensor model_output, int timestep, Tensor sample)
    {
        var diff_to_prev = counter % 2 != 0 ? 0 : NumTrainTimesteps / RequireInferenceSteps() / 2;
        var prev_timestep = timestep - diff_to_prev;
        timestep = (int)prk_timesteps[counter / 4 * 4];

        // RK4 weights 1/6, 1/3, 1/3, 1/6 on the four slopes.
        switch (counter % 4)
        {
            case 0:
                AccumulateModelOutput(Sixth * model_output);
                ets.Add(Keep(model_output));
                Replace(ref cur_sample, Keep(sample));
                break;
            case 1:
            case 2:
                AccumulateModelOutput(Third * model_output);
                break;
            default:
                model_output = cur_model_output!.add(Sixth * model_output, Scalars.One);
                Replace(ref cur_model_output, null);
                break;
        }

        var prev_sample = GetPrevSample(cur_sample ?? sample, timestep, prev_timestep, model_output);
        counter++;
        return prev_sample;
    }

    /// <summary>One linear multistep step (PLMS): Adams-Bashforth weights, (55, −59, 37, −9)/24 at full order.</summary>
    private Tensor StepPlms(Tensor model_output, int timestep, Tensor sample)
    {
        if (!Config.SkipPrkSteps && ets.Count < 3)
            throw new InvalidOperationException($"{Name}: PLMS steps need the Runge-Kutta warm-up first (at least 12 PRK calls)");

        var delta = NumTrainTimesteps / RequireInferenceSteps();
        var prev_timestep = timestep - delta;
        if (counter != 1)
        {
            while (ets.Count > 3)
            {
                ets[0].Dispose();
                ets.RemoveAt(0);
            }
            ets.Add(Keep(model_output));
        }
        else
        {
            // The warm-up's second call re-evaluates the first interval.
            prev_timestep = timestep;
            timestep += delta;
        }

        Tensor? warm_up_sample = null;
        if (ets.Count == 1 && counter == 0)
        {
            Replace(ref cur_sample, Keep(sample));
        }
        else if (ets.Count == 1 && counter == 1)
        {
            model_output = model_output.add(ets[^1], Scalars.One) / Scalars.Two;
            warm_up_sample = cur_sample;
            cur_sample = null;
        }
        else if (ets.Count == 2)
            model_output = (Three * ets[^1] - ets[^2]) / Scalars.Two;
        else if (ets.Count == 3)
            model_output = (TwentyThree * ets[^1] - Sixteen * ets[^2]).add(Five * ets[^3], Scalars.One) / Twelve;
        else
            model_output = TwentyFourth
                * ((FiftyFive * ets[^1] - FiftyNine * ets[^2]).add(ThirtySeven * ets[^3], Scalars.One) - Nine * ets[^4]);

        var prev_sample = GetPrevSample(warm_up_sample ?? sample, timestep, prev_timestep, model_output);
        warm_up_sample?.Dispose();
        counter++;
        return prev_sample;
    }

    /// <summary>The transfer φ(x_t, ε_t, t, t−δ) of eq. (9): DDIM's update written with ᾱ only.</summary>
    private Tensor GetPrevSample(Tensor sample, int timestep, int prev_timestep, Tensor model_output)
    {
        double alpha_prod_t = AlphasCumprodValues[timestep];
        var alpha_prod_t_prev = prev_timestep >= 0 ? AlphasCumprodValues[prev_timestep] : final_alpha_cumprod;
        var beta_prod_t = 1 - alpha_prod_t;
        var beta_prod_t_prev = 1 - alpha_prod_t_prev;

        if (prediction_type == PredictionType.VPrediction)
        {
            using var sqrt_alpha_prod_t = Math.Sqrt(alpha_prod_t).ToScalar();
            using var sqrt_beta_prod_t = Math.Sqrt(beta_prod_t).ToScalar();
            model_output = (sqrt_alpha_prod_t * model_output).add(sqrt_beta_prod_t * sample, Scalars.One);
        }

        using var sample_coeff = Math.Sqrt(alpha_prod_t_prev / alpha_prod_t).ToScalar();
        using var alpha_prod_difference = (alpha_prod_t_prev - alpha_prod_t).ToScalar();
        using var model_output_denom_coeff = (alpha_prod_t * Math.Sqrt(beta_prod_t_prev)
            + Math.Sqrt(alpha_prod_t * beta_prod_t * alpha_prod_t_prev)).ToScalar();
        return sample_coeff * sample - alpha_prod_difference * model_output / model_output_denom_coeff;
    }

    public override Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor timesteps) =>
        AlphaSchedule.AddNoise(this, originalSamples, noise, timesteps);

    private void AccumulateModelOutput(Tensor term) =>
        Replace(ref cur_model_output, Keep(cur_model_output is null ? term : cur_model_output.add(term, Scalars.One)));

    private static void Replace(ref Tensor? slot, Tensor? value)
    {
        slot?.Dispose();
        slot = value;
    }

    protected override void ClearHistory()
    {
        foreach (var e in ets)
            e.Dispose();
        ets.Clear();
        Replace(ref cur_model_output, null);
        Replace(ref cur_sample, null);
    }
}
