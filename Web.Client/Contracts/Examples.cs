using Clap2Diffusion.Engine.Composition;

namespace Clap2Diffusion.Client.Contracts;

/// <summary>A ready sound the studio offers for the active model.</summary>
/// <param name="Id">Stable within the set; what <see cref="IExampleSounds.UseAsync"/> takes.</param>
/// <param name="Url">Where the browser plays it from, before anyone uses it.</param>
/// <param name="StoredUrl">The URL the clip has once used: a studio clip with this URL is this example.</param>
/// <param name="Prompts">Prompts that show how the sound relates to text; may be empty.</param>
public sealed record ExampleSound(string Id, string Title, string Caption, string Url, string StoredUrl, IReadOnlyList<SuggestedPrompt> Prompts);

public sealed record SuggestedPrompt(PromptAudioRelation Relation, string Prompt);

/// <summary>The examples for the model that is active now.</summary>
/// <param name="KnowsOnlyItsWorld">The active model is the demo model, which understands only its own world's sounds.</param>
public sealed record ExampleSet(bool KnowsOnlyItsWorld, IReadOnlyList<ExampleSound> Sounds)
{
    public static readonly ExampleSet None = new(false, []);

    public bool Contains(AudioClip clip) => Sounds.Any(s => s.StoredUrl == clip.Url);
}

public interface IExampleSounds
{
    ExampleSet Current { get; }

    /// <summary>Stores the example as the caller's clip, as an upload of it would; a problem for an unknown id or a full store.</summary>
    Task<ExampleUse> UseAsync(string clientId, string exampleId, CancellationToken cancellationToken = default);
}

/// <summary>The clip an example became, or why it could not.</summary>
public sealed record ExampleUse(AudioClip? Clip, string? Problem);
