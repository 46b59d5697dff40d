using System.Collections.Concurrent;
using System.Security.Cryptography;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Classifiers;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

/// <summary>Ways the test generator can go wrong, so that checks can be seen to fail.</summary>
internal sealed record GeneratorFaults
{
    /// <summary>Audio variants draw what text alone draws.</summary>
    public bool IgnoresAudio { get; init; }

    /// <summary>Null-level and adapters-off variants keep every level of the audio.</summary>
    public bool IgnoresAblations { get; init; }

    /// <summary>The share of images (of any variant) drawn in the wrong colour, chosen by a hash of case and variant.</summary>
    public double WrongColorRate { get; init; }

    public int ImageSize { get; init; } = 64;
}

/// <summary>
/// A generator double for the demo world: it renders ground-truth scenes the way an ideal model would draw them.
/// The object comes from the prompt; the scene from the audio (looked up by the clip's case id); a prompt's
/// scene words fill levels the audio leaves empty (creative prompts), and the audio wins where both speak
/// (contradictory prompts). Text-only images show only what the prompt names. A nulled level is dropped; an
/// adapters-off variant drops the level its blocks carry (down: foreground, mid: background, up: ambience).
/// Every rendered scene is recorded by pixel hash, so <see cref="RenderedSceneReader"/> can read it back exactly.
/// </summary>
internal sealed class GroundTruthPairGenerator(IReadOnlyDictionary<string, DemoScene> audioScenes, GeneratorFaults? faults = null) : IPairGenerator
{
    private readonly GeneratorFaults faults = faults ?? new GeneratorFaults();

    public static GroundTruthPairGenerator For(IEvaluationSource source, GeneratorFaults? faults = null) =>
        new(source.Cases.ToDictionary(c => c.Id, c => SceneLabels.SceneOf(c.AudioLabels!)), faults);

    public ConcurrentDictionary<string, DemoScene> Ledger { get; } = new();

    public ConcurrentQueue<PairRequest> Requests { get; } = new();

    public string Description => "ground-truth renderer (test double)";

    public bool Disposed { get; private set; }

    public PairGeneration Generate(PairRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue(request);
        var scene = SceneFor(request);
        var pixels = SceneRenderer.Render(scene, new SeededRandom((ulong)request.Seed), faults.ImageSize);
        Ledger[Hash(pixels)] = scene;
        return new PairGeneration(new RgbImage(faults.ImageSize, faults.ImageSize, pixels), AssignRelation(request), 0.01);
    }

    public DemoScene SceneFor(PairRequest request)
    {
        var (shape, color, named) = ParsePrompt(request.Prompt);
        if (WrongColor(request.CaseId, request.Variant, faults.WrongColorRate))
            color = DemoVocabulary.Colors[(DemoVocabulary.Colors.ToList().IndexOf(color) + 1) % DemoVocabulary.Colors.Count];
        var scene = new DemoScene(shape, color, null, null, null);
        if (request.Variant.UsesAudio() && !faults.IgnoresAudio)
        {
            var audio = audioScenes[request.Audio!.Id];
            foreach (var level in Enum.GetValues<AudioLevel>())
                scene = scene.With(level, Dropped(level, request.Variant) ? null : audio.Element(level));
        }
        foreach (var element in named)
        {
            var level = DemoVocabulary.LevelOf(element);
            if (scene.Element(level) is null)
                scene = scene.With(level, element);
        }
        return scene;
    }

    /// <summary>Whether the image of this case and variant gets the wrong colour (a fixed hash, so tests can count).</summary>
    public static bool WrongColor(string caseId, PairVariant variant, double rate)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{caseId}/{variant}"));
        return BitConverter.ToUInt32(hash) / (double)uint.MaxValue < rate;
    }

    public static string Hash(byte[] pixels) => Convert.ToHexString(SHA256.HashData(pixels));

    public static (string Shape, string Color, List<string> Named) ParsePrompt(string prompt)
    {
        var words = prompt.Replace(",", " ").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var elements = DemoVocabulary.Foreground.Concat(DemoVocabulary.Background).Concat(DemoVocabulary.Ambience).ToHashSet();
        return (words.Single(DemoVocabulary.Shapes.Contains), words.Single(DemoVocabulary.Colors.Contains), words.Where(elements.Contains).ToList());
    }

    private bool Dropped(AudioLevel level, PairVariant variant)
    {
        if (faults.IgnoresAblations)
            return false;
        var routed = variant.SwitchedOffBlocks() switch
        {
            UNetLevel.Down => AudioLevel.Foreground,
            UNetLevel.Mid => AudioLevel.Background,
            UNetLevel.Up => AudioLevel.Ambience,
            _ => (AudioLevel?)null,
        };
        return variant.NulledLevel() == level || routed == level;
    }

    // What a relation classifier in the pipeline would say, from the prompt's scene words and the audio's scene.
    private PromptAudioRelation? AssignRelation(PairRequest request)
    {
        if (request.Audio is null || !audioScenes.TryGetValue(request.Audio.Id, out var audio))
            return null;
        var named = ParsePrompt(request.Prompt).Named;
        if (named.Count == 0)
            return PromptAudioRelation.Complementary;
        var levels = named.Select(DemoVocabulary.LevelOf).ToList();
        if (named.Zip(levels).Any(p => audio.Element(p.Second) is { } present && present != p.First))
            return PromptAudioRelation.Contradictory;
        return levels.Any(l => audio.Element(l) is null) ? PromptAudioRelation.Creative : PromptAudioRelation.Matching;
    }

    public void Dispose() => Disposed = true;
}

/// <summary>An exact scene reader for images the double rendered: it looks each one up by its pixels.</summary>
internal sealed class RenderedSceneReader(GroundTruthPairGenerator generator) : ISceneReader
{
    public string Description => "rendered-scene ledger (test oracle)";

    public IReadOnlyList<ScenePrediction> Read(IReadOnlyList<RgbImage> images) => images.Select(image =>
    {
        var scene = generator.Ledger.TryGetValue(GroundTruthPairGenerator.Hash(image.Pixels), out var found)
            ? found
            : throw new InvalidOperationException("the oracle was asked about an image the double did not render");
        var labels = new Dictionary<string, string>
        {
            [SceneAttributes.Shape] = scene.Shape,
            [SceneAttributes.Color] = scene.Color,
            [SceneAttributes.Foreground] = scene.Foreground ?? DemoVocabulary.None,
            [SceneAttributes.Background] = scene.Background ?? DemoVocabulary.None,
            [SceneAttributes.Ambience] = scene.Ambience ?? DemoVocabulary.None,
        };
        return new ScenePrediction(labels, labels.Keys.ToDictionary(k => k, _ => 1.0));
    }).ToList();
}
