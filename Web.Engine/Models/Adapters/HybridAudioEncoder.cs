using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>
/// Turns one CLAP audio embedding into hierarchical audio tokens. Three projections make the foreground,
/// background and ambience tokens; learnable hierarchy weights scale each level; a projector of transformer
/// blocks, each fed the previous block's output, refines them together with 77 learned query tokens. The
/// query outputs are the 77 audio tokens ("full"); the refined level tokens are returned per level for routing.
/// Decision record: docs/decisions/0004-v4-audio-tokens.md.
/// </summary>
public sealed class HybridAudioEncoder : nn.Module
{
    // Made once, so no constructor or forward pass leaves a Scalar to the finaliser (decision record 0010).
    private static readonly Scalar InitStd = 0.02f.ToScalar();
    private static readonly Scalar Blocked = float.NegativeInfinity.ToScalar();

    public readonly nn.Module<Tensor, Tensor>? foreground_view;
    public readonly nn.Module<Tensor, Tensor>? background_view;
    public readonly nn.Module<Tensor, Tensor>? ambience_view;
    public readonly nn.Module<Tensor, Tensor> foreground_proj;
    public readonly nn.Module<Tensor, Tensor> background_proj;
    public readonly nn.Module<Tensor, Tensor> ambience_proj;
    public readonly nn.Module<Tensor, Tensor> token_norm;
    public readonly Parameter hierarchy_weights;
    public readonly Parameter level_embedding;
    public readonly Parameter queries;
    public readonly ModuleList<AudioProjectorBlock> projector;
    public readonly nn.Module<Tensor, Tensor> norm_out;
    public readonly nn.Module<Tensor, Tensor>? proj_out;
    public readonly TemporalAudioBranch? temporal;

    private readonly V4AdapterConfig config;

    public HybridAudioEncoder(V4AdapterConfig config, Device? device = null) : base(nameof(HybridAudioEncoder))
    {
        this.config = config;
        var width = config.Width;
        if (config.LevelViews)
        {
            foreground_view = nn.Linear(config.ClapDim, config.ClapDim, device: device);
            background_view = nn.Linear(config.ClapDim, config.ClapDim, device: device);
            ambience_view = nn.Linear(config.ClapDim, config.ClapDim, device: device);
        }
        foreground_proj = nn.Linear(config.ClapDim, config.ForegroundTokens * width, device: device);
        background_proj = nn.Linear(config.ClapDim, config.BackgroundTokens * width, device: device);
        ambience_proj = nn.Linear(config.ClapDim, config.AmbienceTokens * width, device: device);
        token_norm = nn.LayerNorm(width, device: device);
        hierarchy_weights = new Parameter(tensor(config.HierarchyWeights.Select(w => (float)w).ToArray(), device: device));
        using (var noise = randn(3, width, device: device))
            level_embedding = new Parameter(noise * InitStd);
        using (var noise = randn(config.NumAudioTokens, width, device: device))
            queries = new Parameter(noise * InitStd);
        projector = new ModuleList<AudioProjectorBlock>();
        for (var i = 0; i < config.ProjectorLayers; i++)
            projector.Add(new AudioProjectorBlock(width, config.ProjectorHeads, config.MlpRatio, device));
        norm_out = nn.LayerNorm(width, device: device);
        if (width != config.CrossAttentionDim)
            proj_out = nn.Linear(width, config.CrossAttentionDim, device: device);
        if (config.Temporal)
        {
            // The branch draws its initial weights off the side of the global random stream, so every other adapter
            // weight starts the same with and without it, and a run with the branch compares fairly with one without.
            using var state = random.get_rng_state();
            temporal = new TemporalAudioBranch(config, device);
            random.set_rng_state(state);
        }
        RegisterComponents();
    }

    /// <summary>
    /// What each level reads of the embedding, [B, 3, clap_dim] in the order foreground, background, ambience:
    /// its learned view when <see cref="V4AdapterConfig.LevelViews"/> is on, else the embedding itself; plus, with
    /// the temporal branch, what the branch makes of the frames.
    /// </summary>
    /// <param name="frames">CLAP's frame features [B, temporal_dim, T]; required exactly when the branch is on.</param>
    public Tensor LevelViews(Tensor audioEmbedding, Tensor? frames = null)
    {
        var views = foreground_view is null || background_view is null || ambience_view is null
            ? audioEmbedding.unsqueeze(1).expand(-1, 3, -1)
            : stack([foreground_view.call(audioEmbedding), background_view.call(audioEmbedding), ambience_view.call(audioEmbedding)], 1);
        if (temporal is null)
            return views;
        if (frames is null)
            throw new InvalidOperationException("these adapters have the temporal branch: pass CLAP's frame features with the embedding");
        using var scope = NewDisposeScope();
        return views.add(temporal.forward(frames), Scalars.One).MoveToOuterDisposeScope();
    }

    /// <param name="audioEmbedding">CLAP audio embeddings, [B, clap_dim].</param>
    /// <param name="frames">CLAP's frame features [B, temporal_dim, T], for the temporal branch; null without one.</param>
    public HybridAudioTokens forward(Tensor audioEmbedding, AudioLevelMask? mask = null, Tensor? frames = null)
    {
        mask ??= AudioLevelMask.All;
        using var scope = NewDisposeScope();
        var batch = audioEmbedding.shape[0];
        var width = config.Width;
        var views = LevelViews(audioEmbedding, frames);

        Tensor Level(nn.Module<Tensor, Tensor> projection, int tokens, AudioLevel level)
        {
            var index = (int)level;
            var content = token_norm.call(projection.call(views.select(1, index)).view(batch, tokens, width)) * hierarchy_weights[index];
            if (!mask.Keeps(level))
                content = zeros_like(content);
            return content.add(level_embedding[index], Scalars.One);
        }

        var foreground = Level(foreground_proj, config.ForegroundTokens, AudioLevel.Foreground);
        var background = Level(background_proj, config.BackgroundTokens, AudioLevel.Background);
        var ambience = Level(ambience_proj, config.AmbienceTokens, AudioLevel.Ambience);

        var x = cat([queries.unsqueeze(0).expand(batch, -1, -1), foreground, background, ambience], 1);
        var attentionMask = config.ExclusiveLevels ? ExclusiveLevelMask(x.device, x.dtype) : null;
        foreach (var block in projector)
            x = block.forward(x, attentionMask);
        x = norm_out.call(x);
        if (proj_out is not null)
            x = proj_out.call(x);

        // Sequence layout: [77 queries | foreground | background | ambience].
        var start = (long)config.NumAudioTokens;
        var fullTokens = x.narrow(1, 0, start);
        var foregroundTokens = x.narrow(1, start, config.ForegroundTokens);
        var backgroundTokens = x.narrow(1, start + config.ForegroundTokens, config.BackgroundTokens);
        var ambienceTokens = x.narrow(1, start + config.ForegroundTokens + config.BackgroundTokens, config.AmbienceTokens);
        return new HybridAudioTokens(foregroundTokens, backgroundTokens, ambienceTokens, fullTokens).MoveToOuterDisposeScope();
    }

    // Queries see every slot; a level's slots see only their own level, so no level's content reaches another's tokens.
    private Tensor ExclusiveLevelMask(Device device, ScalarType dtype)
    {
        var queries = config.NumAudioTokens;
        var length = queries + config.HierarchyTokens;
        var level = new long[length];
        for (var i = 0; i < length; i++)
            level[i] = i < queries ? -1 : i < queries + config.ForegroundTokens ? 0 : i < queries + config.ForegroundTokens + config.BackgroundTokens ? 1 : 2;
        using var scope = NewDisposeScope();
        var levels = tensor(level, device: device);
        var rowIsQuery = levels.eq(Scalars.MinusOne).unsqueeze(1);
        var sameLevel = levels.unsqueeze(1).eq(levels.unsqueeze(0));
        var allowed = rowIsQuery.logical_or(sameLevel);
        return zeros(length, length, dtype, device).masked_fill(allowed.logical_not(), Blocked).MoveToOuterDisposeScope();
    }
}
