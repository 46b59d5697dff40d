using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>A ready sound of the demo world, with prompts that show how it relates to text.</summary>
/// <param name="Id">A stable short name, used in URLs (<c>bell</c>, <c>bell-engine-rain</c>).</param>
/// <param name="Scene">The sound's levels; the shape and colour are those its suggested prompts name.</param>
/// <param name="Prompts">One prompt per relation the sound admits, in the order matching, complementary, creative, contradictory.</param>
public sealed record DemoExample(string Id, DemoScene Scene, string Caption, IReadOnlyList<SuggestedDemoPrompt> Prompts)
{
    public string Title => string.Join(" + ", Scene.SceneElements);

    /// <summary>The clip: the same samples on every machine and every call.</summary>
    public float[] Synthesize() => SceneSynthesizer.Synthesize(Scene, new SeededRandom(DemoExamples.SeedOf(Id)).Fork(2), DemoExamples.SampleRate, DemoExamples.Seconds);
}

public sealed record SuggestedDemoPrompt(PromptAudioRelation Relation, string Prompt);

/// <summary>
/// The demo world's example sounds: every foreground, background and ambience source alone, and a few mixes,
/// each with its caption and prompts that show the four relations. The demo model understands only these sounds
/// (and others the world makes), so the studio offers them to anyone trying it.
/// </summary>
public static class DemoExamples
{
    public const int SampleRate = 48000;
    public const double Seconds = 10;

    private static readonly (string? Foreground, string? Background, string? Ambience)[] Mixes =
    [
        ("bell", "engine", "rain"),
        ("barking", "chatter", "wind"),
        ("chirping", null, "waves"),
        ("bell", "chatter", null),
    ];

    public static IReadOnlyList<DemoExample> All { get; } = Build();

    private static List<DemoExample> Build()
    {
        var scenes = new List<(string? Foreground, string? Background, string? Ambience)>();
        scenes.AddRange(DemoVocabulary.Foreground.Select(e => ((string?)e, (string?)null, (string?)null)));
        scenes.AddRange(DemoVocabulary.Background.Select(e => ((string?)null, (string?)e, (string?)null)));
        scenes.AddRange(DemoVocabulary.Ambience.Select(e => ((string?)null, (string?)null, (string?)e)));
        scenes.AddRange(Mixes);
        return scenes.Select((levels, index) =>
        {
            var scene = new DemoScene(DemoVocabulary.Shapes[index % DemoVocabulary.Shapes.Count], DemoVocabulary.Colors[index / DemoVocabulary.Shapes.Count % DemoVocabulary.Colors.Count],
                levels.Foreground, levels.Background, levels.Ambience);
            var id = string.Join("-", scene.SceneElements);
            var random = new SeededRandom(SeedOf(id));
            var prompts = Enum.GetValues<PromptAudioRelation>()
                .Where(relation => Admits(relation, scene))
                .Select(relation => new SuggestedDemoPrompt(relation, RelationCase.Create(relation, scene, random.Fork((ulong)relation + 10)).Prompt))
                .ToList();
            return new DemoExample(id, scene, AudioCaptionWriter.Write(scene, random.Fork(1)), prompts);
        }).ToList();
    }

    private static bool Admits(PromptAudioRelation relation, DemoScene scene) => relation switch
    {
        PromptAudioRelation.Creative => scene.SceneElements.Count() < 3,
        _ => true,
    };

    /// <summary>A stable seed from the id (string hash codes change from process to process).</summary>
    internal static ulong SeedOf(string id) => id.Aggregate(1469598103934665603UL, (h, c) => (h ^ c) * 1099511628211UL);
}
