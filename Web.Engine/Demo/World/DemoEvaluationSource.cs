using System.Globalization;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>
/// Evaluation cases drawn from the demo world: <see cref="PerRelation"/> pairs of each relation, listed in
/// turn (matching-000, complementary-000, creative-000, contradictory-000, matching-001, ...) so that a run
/// cut short by a limit still covers every relation. Everything follows from the seed: the scenes, prompts,
/// captions, the synthesised sounds and the freshly rendered ground truth that FID compares against.
/// </summary>
public sealed class DemoEvaluationSource : IEvaluationSource
{
    public const int DefaultPerRelation = 25;
    public const int MaxPerRelation = 10_000;
    public const int SampleRate = 48000;
    public const double ClipSeconds = 10;

    private readonly ulong seed;
    private readonly Dictionary<string, (ulong Key, RelationCase Pair)> pairs = new(StringComparer.Ordinal);

    public DemoEvaluationSource(int perRelation = DefaultPerRelation, long seed = 0, int? limit = null)
    {
        if (perRelation is < 1 or > MaxPerRelation)
            throw new InputException($"cases per relation must lie in 1..{MaxPerRelation}, not {perRelation}");
        if (limit is < 1)
            throw new InputException($"the case limit must be at least 1, not {limit}");
        if (seed < 0)
            throw new InputException($"the seed must not be negative, not {seed}");
        PerRelation = perRelation;
        this.seed = (ulong)seed;
        var relations = Enum.GetValues<PromptAudioRelation>();
        var cases = new List<EvaluationCase>();
        for (var k = 0; k < perRelation && cases.Count < (limit ?? int.MaxValue); k++)
            foreach (var relation in relations)
            {
                if (cases.Count == (limit ?? int.MaxValue))
                    break;
                var key = ((ulong)(uint)relation << 32) | (uint)k;
                var random = CaseRandom(key);
                var pair = RelationCase.Sample(relation, random.Fork(1));
                var id = string.Create(CultureInfo.InvariantCulture, $"{relation.Name()}-{k:D3}");
                pairs[id] = (key, pair);
                cases.Add(new EvaluationCase(id, pair.Prompt, AudioCaptionWriter.Write(pair.Audio, random.Fork(2)),
                    unchecked(seed + cases.Count) & long.MaxValue, relation)
                {
                    AudioLabels = SceneLabels.LabelsOf(pair.Audio),
                    ExpectedLabels = SceneLabels.LabelsOf(pair.Expected),
                    PromptLabels = pair.NamedElement is { } named
                        ? new Dictionary<string, string> { [SceneAttributes.Of(DemoVocabulary.LevelOf(named))] = named }
                        : null,
                });
            }
        Cases = cases;
        Description = string.Create(CultureInfo.InvariantCulture,
            $"demo world, {perRelation} cases per relation, seed {seed}{(limit is null ? "" : $", limited to {cases.Count} cases")}");
    }

    public int PerRelation { get; }

    public string Kind => "demo";

    public string Description { get; }

    public IReadOnlyList<EvaluationCase> Cases { get; }

    public string ReferenceName => string.Create(CultureInfo.InvariantCulture, $"demo ground truth, rendered afresh (seed {seed})");

    public EvaluationAudio Audio(EvaluationCase evaluationCase)
    {
        var (key, pair) = Pair(evaluationCase);
        var random = CaseRandom(key).Fork(3);
        return EvaluationAudio.FromSamples(evaluationCase.Id, () => SceneSynthesizer.Synthesize(pair.Audio, random, SampleRate, ClipSeconds), SampleRate);
    }

    public RgbImage? ReferenceImage(EvaluationCase evaluationCase, int size)
    {
        var (key, pair) = Pair(evaluationCase);
        return new RgbImage(size, size, SceneRenderer.Render(pair.Expected, CaseRandom(key).Fork(4), size));
    }

    private (ulong Key, RelationCase Pair) Pair(EvaluationCase evaluationCase) =>
        pairs.TryGetValue(evaluationCase.Id, out var pair) ? pair : throw new ArgumentException($"case {evaluationCase.Id} is not from this source", nameof(evaluationCase));

    private SeededRandom CaseRandom(ulong key) => new SeededRandom(seed).Fork(key);
}
