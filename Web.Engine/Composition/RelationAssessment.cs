using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Composition;

/// <summary>How a level of the sound scene relates to the prompt.</summary>
public sealed record LevelRelation(AudioLevel Level, string? AudioSound, double AudioSimilarity, string? PromptSound, PromptAudioRelation? Relation);

/// <summary>The classification returned with every generation that has audio, with the evidence behind it.</summary>
public sealed record RelationAssessment(PromptAudioRelation Relation, double PromptAudioSimilarity, IReadOnlyList<LevelRelation> Levels)
{
    public string Name => Relation.Name();

    /// <summary>Levels where the prompt and the sound name different things.</summary>
    public IEnumerable<AudioLevel> ConflictingLevels =>
        Levels.Where(l => l.Relation == PromptAudioRelation.Contradictory).Select(l => l.Level);
}
