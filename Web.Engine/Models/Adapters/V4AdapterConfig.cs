using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Models.Unets;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>
/// Configuration of the CLAP2Diffusion V4 adapters (the <c>config.json</c> of an adapter folder). Defaults are
/// the design's for SD 1.5 with CLAP: a 512-d audio embedding decomposed into 5 foreground, 3 background and 2
/// ambience tokens, a 4-block projector (8 heads, MLP ratio 4) making 77 tokens of the UNet's cross-attention
/// width, and a tanh-gated audio cross-attention in every transformer block.
/// </summary>
public sealed record V4AdapterConfig
{
    [JsonPropertyName("clap_dim")] public int ClapDim { get; init; } = 512;
    [JsonPropertyName("cross_attention_dim")] public int CrossAttentionDim { get; init; } = 768;
    [JsonPropertyName("foreground_tokens")] public int ForegroundTokens { get; init; } = 5;
    [JsonPropertyName("background_tokens")] public int BackgroundTokens { get; init; } = 3;
    [JsonPropertyName("ambience_tokens")] public int AmbienceTokens { get; init; } = 2;
    [JsonPropertyName("hierarchy_weights")] public double[] HierarchyWeights { get; init; } = [0.5, 0.3, 0.2];
    [JsonPropertyName("num_audio_tokens")] public int NumAudioTokens { get; init; } = 77;

    /// <summary>Width of the projector's tokens; null means the cross-attention width (no output projection).</summary>
    [JsonPropertyName("projector_dim")] public int? ProjectorDim { get; init; }
    [JsonPropertyName("projector_layers")] public int ProjectorLayers { get; init; } = 4;
    [JsonPropertyName("projector_heads")] public int ProjectorHeads { get; init; } = 8;
    [JsonPropertyName("mlp_ratio")] public double MlpRatio { get; init; } = 4.0;

    /// <summary>Inner width of each audio cross-attention; null means the block's own width (full rank).</summary>
    [JsonPropertyName("adapter_inner_dim")] public int? AdapterInnerDim { get; init; }
    [JsonPropertyName("adapter_heads")] public int AdapterHeads { get; init; } = 8;

    /// <summary><c>tanh</c> (gate starts at 0) or <c>sigmoid</c> (output projection starts at 0).</summary>
    [JsonPropertyName("gate_activation")] public string GateActivation { get; init; } = "tanh";
    [JsonPropertyName("gate_init")] public double GateInit { get; init; }

    /// <summary>
    /// Each level reads its own learned view of the CLAP embedding (<c>audio_encoder.{level}_view</c>) instead of
    /// the whole embedding. Training pulls each view toward the CLAP text embedding of the caption's phrases for
    /// that level, so a level's slots carry that level's sound and little else. Off in older adapter folders.
    /// </summary>
    [JsonPropertyName("level_views")] public bool LevelViews { get; init; }

    /// <summary>
    /// In the projector, level slots attend only to their own level's slots (the 77 queries still attend to
    /// everything), so the tokens routed to the down and up blocks carry only their level. Off in older folders.
    /// </summary>
    [JsonPropertyName("exclusive_levels")] public bool ExclusiveLevels { get; init; }

    /// <summary>Which UNet levels carry adapters: [down, mid, up]. SonicDiffusion used [false, true, true].</summary>
    [JsonPropertyName("use_adapter_list")] public bool[] UseAdapterList { get; init; } = [true, true, true];

    /// <summary>The tokens each level attends to: <c>foreground</c>, <c>background</c>, <c>ambience</c> or <c>full</c>.</summary>
    [JsonPropertyName("routing")]
    public Dictionary<string, string> Routing { get; init; } = new() { ["down"] = "foreground", ["mid"] = "full", ["up"] = "ambience" };

    /// <summary>
    /// Rank of the LoRA on the UNet's attention projections (<c>to_q</c>, <c>to_k</c>, <c>to_v</c>, <c>to_out.0</c> of
    /// every transformer block's <c>attn1</c> and <c>attn2</c>); 0 (the default) means no LoRA. Trained in stage 2.
    /// </summary>
    [JsonPropertyName("lora_rank"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int LoraRank { get; init; }

    /// <summary>The LoRA's alpha: its update is scaled by alpha / rank. Null means alpha = rank (scale 1).</summary>
    [JsonPropertyName("lora_alpha"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? LoraAlpha { get; init; }

    /// <summary>
    /// Adds the temporal branch (<c>audio_encoder.temporal.*</c>): CLAP's frame features before pooling go through
    /// parallel 1-D convolutions at several time scales, and their pooled outputs add to what each level reads, so a
    /// bark and a steady engine with the same average sound apart. Its output projection starts at zero, so an
    /// untrained branch changes nothing. Off by default; off-configs save without any temporal key.
    /// </summary>
    [JsonPropertyName("temporal"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool Temporal { get; init; }

    /// <summary>Width of CLAP's frame features (the HTSAT encoder's width: 768 for HTSAT-tiny); null means 768.</summary>
    [JsonPropertyName("temporal_dim"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? TemporalDim { get; init; }

    /// <summary>Output channels of each temporal convolution; null means 128.</summary>
    [JsonPropertyName("temporal_channels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? TemporalChannels { get; init; }

    /// <summary>Kernel size of each temporal convolution, one per scale; null means [3, 3, 5].</summary>
    [JsonPropertyName("temporal_kernels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int[]? TemporalKernels { get; init; }

    /// <summary>
    /// Dilation of each temporal convolution, one per kernel; null means [1, 4, 8]. With HTSAT's 32 frames over a
    /// 10 s window (about 0.3 s each), kernel 3 at dilation 1 sees about a second (a bark, a bell strike), kernel 3 at
    /// dilation 4 about three, kernel 5 at dilation 8 the whole window (an engine, rain).
    /// </summary>
    [JsonPropertyName("temporal_dilations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int[]? TemporalDilations { get; init; }

    [JsonIgnore] public int TemporalWidth => TemporalDim ?? 768;

    [JsonIgnore] public int TemporalChannelCount => TemporalChannels ?? 128;

    [JsonIgnore] public IReadOnlyList<int> TemporalKernelSizes => TemporalKernels ?? [3, 3, 5];

    [JsonIgnore] public IReadOnlyList<int> TemporalDilationRates => TemporalDilations ?? [1, 4, 8];

    [JsonIgnore] public int Width => ProjectorDim ?? CrossAttentionDim;

    [JsonIgnore] public int HierarchyTokens => ForegroundTokens + BackgroundTokens + AmbienceTokens;

    /// <summary>The routing's name for the 77 projected tokens; the other sources are the <see cref="AudioLevel"/> names.</summary>
    public const string FullTokens = "full";

    public static readonly IReadOnlyList<string> TokenSources = [.. AudioLevels.All.Select(level => level.Name()), FullTokens];

    /// <summary>The tokens the routing gives a UNet level.</summary>
    public string SourceFor(UNetLevel level) => Routing[level.Name()];

    /// <summary>Whether the UNet level's transformer blocks carry audio adapters (<see cref="UseAdapterList"/>).</summary>
    public bool CarriesAdapters(UNetLevel level) => UseAdapterList[(int)level];

    /// <summary>The design's full-size adapters for SD 1.5 (see README for the parameter count).</summary>
    public static V4AdapterConfig Sd15 { get; } = new();

    /// <summary>At most 5M trainable parameters: a 128-wide projector and rank-64 audio attention.</summary>
    public static V4AdapterConfig Sd15Compact { get; } = new() { ProjectorDim = 128, AdapterInnerDim = 64, AdapterHeads = 4 };

    /// <summary>SonicDiffusion's placement: no adapters in the down blocks.</summary>
    public V4AdapterConfig WithSonicDiffusionPlacement() => this with { UseAdapterList = [false, true, true] };

    public void Validate(string source)
    {
        string Problem(string what) => $"{source}: {what}";
        if (ClapDim <= 0 || CrossAttentionDim <= 0 || NumAudioTokens <= 0)
            throw new InputException(Problem("clap_dim, cross_attention_dim and num_audio_tokens must be positive"));
        if (ForegroundTokens <= 0 || BackgroundTokens <= 0 || AmbienceTokens <= 0)
            throw new InputException(Problem("every hierarchy level needs at least one token"));
        if (HierarchyWeights.Length != 3)
            throw new InputException(Problem($"hierarchy_weights needs 3 values (foreground, background, ambience), not {HierarchyWeights.Length}"));
        if (ProjectorLayers < 1 || ProjectorHeads < 1 || Width % ProjectorHeads != 0)
            throw new InputException(Problem($"projector width {Width} must split into {ProjectorHeads} heads, with at least one layer"));
        if (AdapterInnerDim is { } inner && (inner <= 0 || inner % AdapterHeads != 0))
            throw new InputException(Problem($"adapter_inner_dim {inner} must be a positive multiple of adapter_heads {AdapterHeads}"));
        if (GateActivation is not ("tanh" or "sigmoid"))
            throw new InputException(Problem($"gate_activation '{GateActivation}' is not tanh or sigmoid"));
        if (LoraRank < 0)
            throw new InputException(Problem($"lora_rank must be 0 (no LoRA) or positive, not {LoraRank}"));
        if (LoraAlpha is { } alpha && !(alpha > 0 && double.IsFinite(alpha)))
            throw new InputException(Problem($"lora_alpha must be positive, not {alpha}"));
        if (TemporalWidth <= 0 || TemporalChannelCount <= 0)
            throw new InputException(Problem($"temporal_dim and temporal_channels must be positive, not {TemporalWidth} and {TemporalChannelCount}"));
        if (TemporalKernelSizes.Count == 0 || TemporalKernelSizes.Count != TemporalDilationRates.Count)
            throw new InputException(Problem($"temporal_kernels and temporal_dilations need one value per scale, the same count of each " +
                $"(not {TemporalKernelSizes.Count} and {TemporalDilationRates.Count})"));
        if (TemporalKernelSizes.Any(k => k < 1 || k % 2 == 0))
            throw new InputException(Problem($"temporal_kernels must be odd and positive (a centred window keeps the frame count), not [{string.Join(", ", TemporalKernelSizes)}]"));
        if (TemporalDilationRates.Any(d => d < 1))
            throw new InputException(Problem($"temporal_dilations must be positive, not [{string.Join(", ", TemporalDilationRates)}]"));
        if (UseAdapterList.Length != 3)
            throw new InputException(Problem("use_adapter_list needs three flags: [down, mid, up]"));
        foreach (var level in UNetLevels.All)
            if (!Routing.TryGetValue(level.Name(), out var sourceName) || !TokenSources.Contains(sourceName))
                throw new InputException(Problem($"routing.{level.Name()} must be one of {string.Join(", ", TokenSources)}"));
    }
}
