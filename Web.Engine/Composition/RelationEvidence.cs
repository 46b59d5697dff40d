using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Composition;

/// <summary>
/// The similarities the relation rule decides on, all cosine similarities in CLAP's joint space: prompt to
/// audio, and prompt and audio to every anchor phrase of every level (in the anchors' order).
/// </summary>
public sealed record RelationEvidence(
    string Prompt,
    double PromptAudio,
    IReadOnlyDictionary<AudioLevel, double[]> PromptToAnchors,
    IReadOnlyDictionary<AudioLevel, double[]> AudioToAnchors);
