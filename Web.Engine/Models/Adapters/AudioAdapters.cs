using Clap2Diffusion.Engine.Models.Unets;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>
/// Every trainable part of CLAP2Diffusion V4 in one module tree, kept apart from the UNet so the base model
/// still loads strictly: <c>audio_encoder.*</c> (the hybrid audio encoder) and, for each transformer block on
/// an enabled level, <c>unet.&lt;block path&gt;.attn_audio.{norm,to_q,to_k,to_v,to_out.0,gate}</c>. With a
/// <c>lora_rank</c>, every transformer block's attention projections get a LoRA under their own UNet path,
/// <c>unet.&lt;block path&gt;.attn1.to_q.lora_A.weight</c> and so on: PEFT's keys, so the frozen UNet keeps its own.
/// </summary>
public sealed class AudioAdapters : nn.Module
{
    public readonly HybridAudioEncoder audio_encoder;
    public readonly ModuleTree unet;

    private readonly Dictionary<string, GatedHierarchicalAttention> bySite = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LoraLinear> loraByPath = new(StringComparer.Ordinal);

    /// <summary>The projections of each transformer block that the LoRA covers, PEFT's <c>target_modules</c>.</summary>
    public static readonly IReadOnlyList<string> LoraTargets = ["to_q", "to_k", "to_v", "to_out.0"];

    public AudioAdapters(V4AdapterConfig config, IReadOnlyList<TransformerBlockSite> sites, Device? device = null) : base(nameof(AudioAdapters))
    {
        config.Validate("adapter config");
        Config = config;
        audio_encoder = new HybridAudioEncoder(config, device);
        unet = new ModuleTree();
        foreach (var site in sites.Where(s => config.CarriesAdapters(s.Level)))
        {
            if (site.CrossAttentionDim != config.CrossAttentionDim)
                throw new InputException($"adapter config expects cross-attention width {config.CrossAttentionDim}, the UNet's block {site.Path} has {site.CrossAttentionDim}");
            var attention = new GatedHierarchicalAttention(site.Channels, config.CrossAttentionDim,
                config.AdapterInnerDim ?? site.Channels, config.AdapterHeads, config.GateActivation, config.GateInit, device);
            unet.Add($"{site.Path}.attn_audio", attention);
            bySite[site.Path] = attention;
        }
        Sites = sites.Where(s => bySite.ContainsKey(s.Path)).ToList();
        if (config.LoraRank > 0)
            foreach (var site in sites)
                AddLora(site, config.LoraRank, config.LoraAlpha ?? config.LoraRank, device);
        Projections = loraByPath.Count == 0 ? null : new LoraProjectionHook(loraByPath);
        RegisterComponents();
    }

    // Self-attention projects the block's stream; cross-attention's keys and values project the text context.
    private void AddLora(TransformerBlockSite site, int rank, double alpha, Device? device)
    {
        foreach (var attention in new[] { "attn1", "attn2" })
        {
            var contextDim = attention == "attn1" ? site.Channels : site.CrossAttentionDim;
            foreach (var (target, inFeatures) in new[] { ("to_q", site.Channels), ("to_k", contextDim), ("to_v", contextDim), ("to_out.0", site.Channels) })
            {
                var path = $"{site.Path}.{attention}.{target}";
                var layer = new LoraLinear(inFeatures, site.Channels, rank, alpha, device);
                unet.Add(path, layer);
                loraByPath[path] = layer;
            }
        }
    }

    /// <summary>The LoRA on the UNet's attention projections for a forward pass; null without one (<c>lora_rank</c> 0).</summary>
    public IProjectionHook? Projections { get; }

    /// <summary>Each LoRA layer by the UNet path of the projection it updates.</summary>
    public IReadOnlyDictionary<string, LoraLinear> LoraLayers => loraByPath;

    public V4AdapterConfig Config { get; }

    /// <summary>The transformer blocks that carry an audio adapter, in forward order.</summary>
    public IReadOnlyList<TransformerBlockSite> Sites { get; }

    public GatedHierarchicalAttention? For(TransformerBlockSite site) => bySite.GetValueOrDefault(site.Path);

    /// <summary>The tokens the routing gives a level.</summary>
    public string SourceFor(UNetLevel level) => Config.SourceFor(level);

    /// <summary>Trainable parameter counts per part, for <c>keys --params</c> and the README.</summary>
    public IReadOnlyList<(string Part, long Parameters)> TrainableParts()
    {
        long Count(nn.Module module) => module.parameters().Sum(p => p.numel());
        long Views() => new[] { audio_encoder.foreground_view, audio_encoder.background_view, audio_encoder.ambience_view }
            .Sum(v => v is null ? 0 : Count((nn.Module)v));
        var parts = new List<(string, long)>
        {
            ("audio_encoder.projections", Views() + Count(audio_encoder.foreground_proj) + Count(audio_encoder.background_proj) + Count(audio_encoder.ambience_proj) + Count(audio_encoder.token_norm)),
            ("audio_encoder.hierarchy_weights", audio_encoder.hierarchy_weights.numel()),
            ("audio_encoder.projector", audio_encoder.projector.parameters().Sum(p => p.numel()) + audio_encoder.queries.numel()
                + audio_encoder.level_embedding.numel() + Count(audio_encoder.norm_out) + (audio_encoder.proj_out is null ? 0 : Count(audio_encoder.proj_out))),
        };
        if (audio_encoder.temporal is { } temporal)
            parts.Add(($"audio_encoder.temporal ({temporal.convs.Count} scales)", Count(temporal)));
        foreach (var level in new[] { UNetLevel.Down, UNetLevel.Mid, UNetLevel.Up })
        {
            var sites = Sites.Where(s => s.Level == level).ToList();
            if (sites.Count > 0)
                parts.Add(($"unet.{level.Name()}.attn_audio ({sites.Count} blocks)", sites.Sum(s => Count(bySite[s.Path]))));
        }
        if (loraByPath.Count > 0)
            parts.Add(($"unet.lora (rank {Config.LoraRank}, {loraByPath.Count} projections)", loraByPath.Values.Sum(Count)));
        return parts;
    }
}
