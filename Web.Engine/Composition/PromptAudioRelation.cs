namespace Clap2Diffusion.Engine.Composition;

/// <summary>
/// How a prompt relates to its sound. Matching: the prompt names what the sound is ("a dog" + barking).
/// Complementary: the prompt says something else the sound does not contradict ("a person" + cafe noise).
/// Creative: the prompt adds what the sound lacks ("a cat" + rain). Contradictory: the prompt and the sound
/// disagree ("a car" + sea waves).
/// </summary>
public enum PromptAudioRelation
{
    Matching,
    Complementary,
    Creative,
    Contradictory,
}

/// <summary>The one place a relation becomes the name that crosses every boundary: reports, metadata, the server.</summary>
public static class PromptAudioRelations
{
    /// <summary><c>matching</c>, <c>complementary</c>, <c>creative</c> or <c>contradictory</c>.</summary>
    public static string Name(this PromptAudioRelation relation) => relation.ToString().ToLowerInvariant();
}
