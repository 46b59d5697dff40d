using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// A diffusers <c>scheduler_config.json</c>: the union of the keys that the ported schedulers read, with
/// diffusers 0.27.2's defaults. Unknown keys are ignored and bare NaN/Infinity/-Infinity are accepted
/// (<see cref="ConfigJson"/>).
/// <para>
/// The three keys whose default differs between scheduler classes are nullable: null means "absent from
/// the file", and each class then applies its own default. This is what diffusers' <c>from_config</c>
/// does when a pipeline swaps schedulers: keys that were defaults (<c>_use_default_values</c>) are
/// dropped, so an SD 1.5 PNDM config still gives Euler its own "linspace" spacing.
/// </para>
/// </summary>
public sealed record SchedulerConfig
{
    /// <summary>Upper bound on <c>num_train_timesteps</c>, so a corrupt file cannot ask for a giant table.</summary>
    public const int MaxTrainTimesteps = 100_000;

    [JsonPropertyName("_class_name")] public string? ClassName { get; init; }

    [JsonPropertyName("num_train_timesteps")] public int NumTrainTimesteps { get; init; } = 1000;
    [JsonPropertyName("beta_start")] public double BetaStart { get; init; } = 0.0001;
    [JsonPropertyName("beta_end")] public double BetaEnd { get; init; } = 0.02;
    /// <summary><c>linear</c>, <c>scaled_linear</c> or <c>squaredcos_cap_v2</c>.</summary>
    [JsonPropertyName("beta_schedule")] public string BetaSchedule { get; init; } = "linear";
    [JsonPropertyName("trained_betas")] public double[]? TrainedBetas { get; init; }
    /// <summary>Zero terminal SNR (Lin et al. 2023); DDIM, Euler, Euler ancestral and DPM-Solver honour it, PNDM and LMS ignore it, as upstream.</summary>
    [JsonPropertyName("rescale_betas_zero_snr")] public bool RescaleBetasZeroSnr { get; init; }

    /// <summary><c>epsilon</c>, <c>v_prediction</c> or <c>sample</c>.</summary>
    [JsonPropertyName("prediction_type")] public string PredictionType { get; init; } = "epsilon";
    /// <summary><c>leading</c>, <c>linspace</c> or <c>trailing</c>; null: the class default (DDIM and PNDM "leading", the rest "linspace").</summary>
    [JsonPropertyName("timestep_spacing")] public string? TimestepSpacing { get; init; }
    [JsonPropertyName("steps_offset")] public int StepsOffset { get; init; }

    /// <summary>DDIM and PNDM; null: the class default (DDIM true, PNDM false).</summary>
    [JsonPropertyName("set_alpha_to_one")] public bool? SetAlphaToOne { get; init; }
    /// <summary>DDIM; null: the class default (true).</summary>
    [JsonPropertyName("clip_sample")] public bool? ClipSample { get; init; }
    [JsonPropertyName("clip_sample_range")] public double ClipSampleRange { get; init; } = 1.0;
    [JsonPropertyName("thresholding")] public bool Thresholding { get; init; }
    [JsonPropertyName("dynamic_thresholding_ratio")] public double DynamicThresholdingRatio { get; init; } = 0.995;
    [JsonPropertyName("sample_max_value")] public double SampleMaxValue { get; init; } = 1.0;

    /// <summary>PNDM: PLMS only (what Stable Diffusion uses) instead of Runge-Kutta warm-up steps.</summary>
    [JsonPropertyName("skip_prk_steps")] public bool SkipPrkSteps { get; init; }

    [JsonPropertyName("use_karras_sigmas")] public bool UseKarrasSigmas { get; init; }
    [JsonPropertyName("sigma_min")] public double? SigmaMin { get; init; }
    [JsonPropertyName("sigma_max")] public double? SigmaMax { get; init; }
    /// <summary>Euler: <c>linear</c> (the only one ported; diffusers' <c>log_linear</c> yields an ascending schedule in 0.27.2).</summary>
    [JsonPropertyName("interpolation_type")] public string InterpolationType { get; init; } = "linear";
    /// <summary>Euler: <c>discrete</c>, or <c>continuous</c> (timesteps 0.25·ln σ, for v-prediction models).</summary>
    [JsonPropertyName("timestep_type")] public string TimestepType { get; init; } = "discrete";

    /// <summary>DPM-Solver: <c>dpmsolver++</c> or <c>sde-dpmsolver++</c> (<c>deis</c> configs map to dpmsolver++, as upstream).</summary>
    [JsonPropertyName("algorithm_type")] public string AlgorithmType { get; init; } = "dpmsolver++";
    [JsonPropertyName("solver_order")] public int SolverOrder { get; init; } = 2;
    /// <summary>DPM-Solver: <c>midpoint</c> or <c>heun</c> (UniPC/DEIS names map to midpoint, as upstream).</summary>
    [JsonPropertyName("solver_type")] public string SolverType { get; init; } = "midpoint";
    [JsonPropertyName("lower_order_final")] public bool LowerOrderFinal { get; init; } = true;
    [JsonPropertyName("euler_at_final")] public bool EulerAtFinal { get; init; }
    [JsonPropertyName("use_lu_lambdas")] public bool UseLuLambdas { get; init; }
    /// <summary>DPM-Solver: <c>zero</c> or <c>sigma_min</c>.</summary>
    [JsonPropertyName("final_sigmas_type")] public string FinalSigmasType { get; init; } = "zero";
    [JsonPropertyName("lambda_min_clipped")] public double LambdaMinClipped { get; init; } = double.NegativeInfinity;
    /// <summary>DPM-Solver: only null is ported (models that also predict a variance are not SD 1.5 models).</summary>
    [JsonPropertyName("variance_type")] public string? VarianceType { get; init; }

    public static SchedulerConfig Read(string path) => ConfigJson.Read<SchedulerConfig>(path);

    public static SchedulerConfig Parse(string json, string source) => ConfigJson.Parse<SchedulerConfig>(json, source);
}
