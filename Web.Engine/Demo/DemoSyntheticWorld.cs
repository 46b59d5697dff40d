using Clap2Diffusion.Engine.Demo.Build;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.Showcase;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Worlds;

namespace Clap2Diffusion.Engine.Demo;

/// <summary>The demo world as the synthetic world the server offers with the demo model.</summary>
public sealed class DemoSyntheticWorld : ISyntheticWorld, ISyntheticDataset
{
    public IReadOnlyList<string> PromptWords => DemoVocabulary.PromptWords;

    public int SampleRate => DemoExamples.SampleRate;

    // Made on first use, not when the engine assembly loads and registers the world.
    private readonly Lazy<IReadOnlyList<WorldExample>> examples = new(() => DemoExamples.All
        .Select(example => new WorldExample(example.Id, example.Title, example.Caption,
            example.Prompts.Select(prompt => (prompt.Relation, prompt.Prompt)).ToList(), example.Synthesize))
        .ToList());

    private readonly Lazy<IReadOnlyList<WorldShowcasePair>> showcase = new(() =>
        DemoShowcase.Cases.Select(pair => new WorldShowcasePair(pair.Prompt, pair.Seed, pair.Synthesize)).ToList());

    public IReadOnlyList<WorldExample> Examples => examples.Value;

    public IReadOnlyList<WorldShowcasePair> Showcase => showcase.Value;

    public int ShowcaseSteps => DemoShowcase.Steps;

    public string ClassifierFolderName => SceneClassifierFolder.FolderName;

    public ISyntheticDataset Dataset => this;

    public string PartialSuffix => DemoWorldDataset.PartialSuffix;

    public bool IsComplete(string root, IReadOnlyDictionary<string, int> splits, ulong seed) => DemoWorldDataset.IsComplete(root, splits, seed);

    public bool BuildOnce(string root, IReadOnlyDictionary<string, int> splits, ulong seed, Action<int, int>? progress, CancellationToken cancellation) =>
        DemoWorldDataset.BuildOnce(root, splits, seed, progress, cancellation);
}
