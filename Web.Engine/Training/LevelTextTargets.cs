using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Training.Data;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Training;

/// <summary>
/// What each hierarchy level of a training clip should read, taken from its caption alone, as a user training on
/// AudioCaps has it: the caption is split into events and an environment (<see cref="CaptionParser"/>), each goes to
/// the level of the CLAP folder's anchor sound it names (by keyword, or by text similarity where the folder's
/// threshold allows), an environment that names no sound ("in a large hall") fills an otherwise empty ambience
/// (<see cref="CaptionLevels"/>), and a level's target is the normalised mean CLAP text embedding of its phrases, or
/// zero when nothing names that level. Targets are [3, clap_dim] per clip in the order foreground, background, ambience.
/// </summary>
public sealed class LevelTextTargets : IDisposable
{
    private static readonly AudioLevel[] Order = [AudioLevel.Foreground, AudioLevel.Background, AudioLevel.Ambience];

    private readonly Dictionary<string, Tensor> byClip;

    private LevelTextTargets(Dictionary<string, Tensor> byClip) => this.byClip = byClip;

    /// <summary>Clips whose caption named at least one level.</summary>
    public int Covered
    {
        get
        {
            using var scope = NewDisposeScope();
            return byClip.Values.Count(t => t.abs().sum().item<float>() > 0);
        }
    }

    public int Count => byClip.Count;

    public static LevelTextTargets Build(IEnumerable<AudioCapsEntry> entries, ClapConditioner clap)
    {
        if (!clap.ReadsText)
            throw new InputException($"level targets need a CLAP with a text tower; {clap.Folder} has none (set level_weight to 0)");
        var byClip = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var noGrad = no_grad();
        foreach (var entry in entries)
        {
            using var scope = NewDisposeScope();
            var levels = CaptionLevels.Assign(CaptionParser.Parse(entry.Caption), phrase => LevelOf(phrase, clap));
            var rows = Order.Select(level => levels[level]).Select(phrases => phrases.Count == 0
                ? zeros(clap.EmbeddingSize)
                : nn.functional.normalize(clap.EmbedTexts(phrases).mean([0]), dim: 0)).ToArray();
            byClip[entry.AudiocapId] = stack(rows).DetachFromDisposeScope();
        }
        return new LevelTextTargets(byClip);
    }

    /// <summary>
    /// The level whose anchor sound the phrase names, by the relation rule's test: a keyword on any level first,
    /// else the level of the closest anchor phrase, if that is at least the CLAP folder's prompt threshold.
    /// </summary>
    public static AudioLevel? LevelOf(string phrase, ClapConditioner clap)
    {
        var anchors = clap.Anchors;
        foreach (var level in Order)
            if (RelationRule.KeywordIn(anchors.Level(level), phrase) is not null)
                return level;
        if (anchors.PromptThreshold > 1)
            return null;
        using var scope = NewDisposeScope();
        var similarities = clap.AnchorSimilarities(clap.EmbedTexts([phrase])[0]);
        AudioLevel? best = null;
        var bestSimilarity = anchors.PromptThreshold;
        foreach (var level in Order)
            if (similarities[level] is { Length: > 0 } row && row.Max() >= bestSimilarity)
                (best, bestSimilarity) = (level, row.Max());
        return best;
    }

    /// <summary>The clip's targets, [3, clap_dim]; a clip without a caption entry gets zeros.</summary>
    public Tensor For(string clipId, int clapDim) => byClip.TryGetValue(clipId, out var targets) ? targets.clone() : zeros(3, clapDim);

    public void Dispose()
    {
        foreach (var tensor in byClip.Values)
            tensor.Dispose();
        byClip.Clear();
    }
}
