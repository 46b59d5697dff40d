using Clap2Diffusion.Engine.Composition;

namespace Clap2Diffusion.Engine.Worlds;

/// <summary>
/// A world a model can be trained on whole, shipped with the model: the words its prompts use, example sounds with
/// suggested prompts, showcase pairs for an empty gallery, and a training dataset built on demand. The demo world
/// registers itself with <see cref="SyntheticWorlds"/> from its own folder; the server offers these features
/// while the active model reads the world, without naming it.
/// </summary>
public interface ISyntheticWorld
{
    /// <summary>Every word the world's prompts use: a model that knows exactly these was trained on the world.</summary>
    IReadOnlyList<string> PromptWords { get; }

    /// <summary>The sample rate of every sound the world synthesises.</summary>
    int SampleRate { get; }

    IReadOnlyList<WorldExample> Examples { get; }

    IReadOnlyList<WorldShowcasePair> Showcase { get; }

    /// <summary>The denoising steps the showcase pairs are generated with.</summary>
    int ShowcaseSteps { get; }

    /// <summary>The classifier's folder inside a model trained on the world: the sign that a model can be trained and evaluated on it.</summary>
    string ClassifierFolderName { get; }

    ISyntheticDataset Dataset { get; }
}

/// <summary>An example sound of the world and the prompts it suggests, one or more per relation.</summary>
public sealed record WorldExample(string Id, string Title, string Caption, IReadOnlyList<(PromptAudioRelation Relation, string Prompt)> Prompts,
    Func<float[]> Synthesize);

/// <summary>A prompt and the sound and seed it is shown with.</summary>
public sealed record WorldShowcasePair(string Prompt, long Seed, Func<float[]> Synthesize);

/// <summary>The world's training dataset in the AudioCaps layout, built once into a folder.</summary>
public interface ISyntheticDataset
{
    /// <summary>An unfinished build lies beside its folder under this suffix.</summary>
    string PartialSuffix { get; }

    bool IsComplete(string root, IReadOnlyDictionary<string, int> splits, ulong seed);

    /// <summary>Builds the dataset unless a complete one is there; true when it built.</summary>
    bool BuildOnce(string root, IReadOnlyDictionary<string, int> splits, ulong seed, Action<int, int>? progress, CancellationToken cancellation);
}
