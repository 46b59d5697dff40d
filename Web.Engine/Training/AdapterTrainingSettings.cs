using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Training;

/// <summary>
/// One training run of the V4 adapters, as a config file (JSON, snake_case) plus command-line overrides. The
/// defaults are the design's recipe: stage 1 (projection alignment) 3,000 steps at 5e-5 with batch 8 and the
/// alignment loss; stage 2 (weight optimisation) 2,000 steps at 1e-5 on the hierarchy weights and gates only.
/// </summary>
public sealed record AdapterTrainingSettings
{
    // Data
    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "";
    [JsonPropertyName("split")] public string Split { get; init; } = "train";
    [JsonPropertyName("audio_folder")] public string AudioFolder { get; init; } = "audio";
    [JsonPropertyName("image_folder")] public string ImageFolder { get; init; } = "images";
    [JsonPropertyName("audio_naming")] public string AudioNaming { get; init; } = "{youtube_id}_{start_time}";
    [JsonPropertyName("image_naming")] public string ImageNaming { get; init; } = "{youtube_id}_{start_time}";
    [JsonPropertyName("resolution")] public int? Resolution { get; init; }
    [JsonPropertyName("random_flip")] public bool RandomFlip { get; init; } = true;
    [JsonPropertyName("sort_by_caption_length")] public bool SortByCaptionLength { get; init; }
    [JsonPropertyName("limit_samples")] public int? LimitSamples { get; init; }
    [JsonPropertyName("min_audio_seconds")] public double MinAudioSeconds { get; init; } = 1.0;

    // Models
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("clap")] public string? Clap { get; init; }

    /// <summary><c>full</c>, <c>compact</c>, or a path to an adapter config.json.</summary>
    [JsonPropertyName("adapter_config")] public string AdapterConfig { get; init; } = "full";

    /// <summary>
    /// Adapters to start from. Stage 2 requires a stage-1 result here (see <see cref="StageOneResult"/>); stage 1 may
    /// start from any adapter set, or from scratch when this is null.
    /// </summary>
    [JsonPropertyName("init_adapters")] public string? InitAdapters { get; init; }

    /// <summary>
    /// Rank of the LoRA on the UNet's attention projections, trained in stage 2 (0 drops it); null keeps the adapter
    /// config's <c>lora_rank</c>. Set with <see cref="InitAdapters"/> to add a LoRA to adapters trained without one.
    /// </summary>
    [JsonPropertyName("lora_rank")] public int? LoraRank { get; init; }

    /// <summary>The LoRA's alpha (update scaled by alpha / rank); null keeps the adapter config's (alpha = rank by default).</summary>
    [JsonPropertyName("lora_alpha")] public double? LoraAlpha { get; init; }

    // Recipe
    [JsonPropertyName("stage")] public int Stage { get; init; } = 1;
    [JsonPropertyName("steps")] public int? Steps { get; init; }
    [JsonPropertyName("learning_rate")] public double? LearningRate { get; init; }
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 8;
    [JsonPropertyName("gradient_accumulation")] public int GradientAccumulation { get; init; } = 1;
    [JsonPropertyName("warmup_steps")] public int WarmupSteps { get; init; } = 100;
    [JsonPropertyName("lr_decay")] public string LearningRateDecay { get; init; } = "constant";
    [JsonPropertyName("weight_decay")] public double WeightDecay { get; init; } = 1e-2;
    [JsonPropertyName("max_grad_norm")] public double MaxGradNorm { get; init; } = 1.0;
    [JsonPropertyName("alignment_weight")] public double AlignmentWeight { get; init; } = 0.1;

    /// <summary>
    /// Stage 1 weight of the level loss: each level's view of the CLAP embedding against the CLAP text embedding of
    /// the caption's phrases for that level (see <see cref="LevelTextTargets"/>). Used when the adapter config has
    /// <c>level_views</c>.
    /// </summary>
    [JsonPropertyName("level_weight")] public double LevelWeight { get; init; } = 1.0;

    /// <summary>
    /// Consecutive steps with a non-finite loss or gradient after which the run fails. Each such step is skipped
    /// (weights and optimiser state untouched) and logged; a few in a row are survivable, a long streak is divergence.
    /// </summary>
    [JsonPropertyName("max_non_finite_steps")] public int MaxNonFiniteSteps { get; init; } = 20;

    /// <summary>Condition dropout for guidance: text only dropped, audio only dropped, both dropped.</summary>
    [JsonPropertyName("drop_text")] public double DropText { get; init; } = 0.1;
    [JsonPropertyName("drop_audio")] public double DropAudio { get; init; } = 0.1;
    [JsonPropertyName("drop_both")] public double DropBoth { get; init; } = 0.05;
    [JsonPropertyName("seed")] public long Seed { get; init; } = 20261125;

    /// <summary>CLAP crops cached per clip when clips are longer than CLAP's window (one is drawn per step).</summary>
    [JsonPropertyName("audio_crops")] public int AudioCrops { get; init; } = 2;

    /// <summary><c>no</c> or <c>fp16</c> (CUDA: frozen networks in float16, adapters in float32 with loss scaling).</summary>
    [JsonPropertyName("mixed_precision")] public string MixedPrecision { get; init; } = "no";

    // Output
    [JsonPropertyName("output")] public string Output { get; init; } = "runs/adapters";
    [JsonPropertyName("checkpoint_every")] public int CheckpointEvery { get; init; } = 500;
    [JsonPropertyName("keep_checkpoints")] public int KeepCheckpoints { get; init; } = 3;
    [JsonPropertyName("sample_every")] public int SampleEvery { get; init; } = 500;
    [JsonPropertyName("sample_pairs")] public int SamplePairs { get; init; } = 2;
    [JsonPropertyName("sample_steps")] public int SampleSteps { get; init; } = 20;
    [JsonPropertyName("cache")] public string? Cache { get; init; }

    /// <summary>A checkpoint folder to continue from; null continues from the output folder's latest checkpoint, if any.</summary>
    [JsonPropertyName("resume_from")] public string? ResumeFrom { get; init; }

    [JsonIgnore] public int EffectiveSteps => Steps ?? (Stage == 1 ? 3000 : 2000);

    [JsonIgnore] public double EffectiveLearningRate => LearningRate ?? (Stage == 1 ? 5e-5 : 1e-5);

    public static AdapterTrainingSettings Read(string path) => ConfigJson.Read<AdapterTrainingSettings>(path);

    /// <param name="frameWidth">Width of the CLAP's frame features, the temporal branch's input when the config has one.</param>
    public V4AdapterConfig ResolveAdapterConfig(int clapDim, int crossAttentionDim, int frameWidth)
    {
        var config = AdapterConfig switch
        {
            "full" => V4AdapterConfig.Sd15,
            "compact" => V4AdapterConfig.Sd15Compact,
            _ => ConfigJson.Read<V4AdapterConfig>(AdapterConfig),
        };
        return WithLora(config) with
        {
            ClapDim = clapDim, CrossAttentionDim = crossAttentionDim, TemporalDim = config.Temporal ? frameWidth : config.TemporalDim,
        };
    }

    /// <summary>The adapter config with this run's LoRA settings applied.</summary>
    public V4AdapterConfig WithLora(V4AdapterConfig config) => config with
    {
        LoraRank = LoraRank ?? config.LoraRank,
        LoraAlpha = LoraAlpha ?? (LoraRank is null ? config.LoraAlpha : null),
    };

    public void Validate()
    {
        void Require(bool ok, string problem)
        {
            if (!ok)
                throw new InputException($"training settings: {problem}");
        }
        Require(Dataset.Length > 0, "dataset (an AudioCaps-format folder) is required");
        Require(Stage is 1 or 2, $"stage must be 1 (projection alignment) or 2 (weight optimisation), not {Stage}");
        Require(EffectiveSteps is >= 1 and <= 10_000_000, $"steps must be positive, not {EffectiveSteps}");
        Require(EffectiveLearningRate is > 0 and < 1, $"learning rate must lie in (0, 1), not {EffectiveLearningRate}");
        Require(BatchSize is >= 1 and <= 1024, $"batch size must lie in 1..1024, not {BatchSize}");
        Require(GradientAccumulation is >= 1 and <= 1024, $"gradient accumulation must lie in 1..1024, not {GradientAccumulation}");
        Require(WarmupSteps >= 0, "warm-up steps must be 0 or more");
        Require(MaxGradNorm > 0, "max_grad_norm must be positive");
        Require(MaxNonFiniteSteps is >= 1 and <= 1_000_000, $"max_non_finite_steps must lie in 1..1000000, not {MaxNonFiniteSteps}");
        Require(AlignmentWeight >= 0, "alignment_weight must be 0 or more");
        Require(LevelWeight >= 0, "level_weight must be 0 or more");
        Require(DropText >= 0 && DropAudio >= 0 && DropBoth >= 0 && DropText + DropAudio + DropBoth <= 1, "condition dropout probabilities must be non-negative and sum to at most 1");
        Require(AudioCrops is >= 1 and <= 16, "audio_crops must lie in 1..16");
        Require(MixedPrecision is "no" or "fp16", $"mixed_precision must be no or fp16, not {MixedPrecision}");
        Require(CheckpointEvery >= 1 && SampleEvery >= 1 && KeepCheckpoints >= 1, "checkpoint_every, sample_every and keep_checkpoints must be positive");
        Require(LimitSamples is null or > 0, "limit_samples must be positive");
        Require(LoraRank is null or (>= 0 and <= 1024), $"lora_rank must lie in 0..1024, not {LoraRank}");
        Require(LoraAlpha is null || (LoraAlpha > 0 && double.IsFinite(LoraAlpha.Value)), $"lora_alpha must be positive, not {LoraAlpha}");
        Require(Resolution is null or (>= 8 and <= 2048), "resolution must lie in 8..2048");
        new Optim.LearningRateSchedule(EffectiveLearningRate, WarmupSteps, EffectiveSteps, LearningRateDecay).Validate();
    }
}
