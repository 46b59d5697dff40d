namespace Clap2Diffusion.Engine.Models.Safety;

/// <summary>
/// What diffusers' <c>StableDiffusionSafetyChecker.forward</c> decides for one image: the rounded scores
/// (cosine similarity − threshold + adjustment) of the special-care and the ordinary concepts, and whether any
/// ordinary concept scored above zero (<c>has_nsfw_concept</c>).
/// </summary>
public sealed record SafetyCheckerOutput(IReadOnlyList<double> SpecialScores, IReadOnlyList<double> ConceptScores, bool HasNsfwConcept)
{
    /// <summary>Indices of the ordinary concepts that fired (diffusers' <c>bad_concepts</c>).</summary>
    public IReadOnlyList<int> BadConcepts => [.. ConceptScores.Select((score, index) => (score, index)).Where(s => s.score > 0).Select(s => s.index)];
}
