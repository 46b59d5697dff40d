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

public static class PromptAudioRelations
{
    /// <summary>The relation's name wherever it leaves the program (metadata, events, CSV, pages): "matching", "creative"...</summary>
    public static string Name(this PromptAudioRelation relation) => relation switch
    {
        PromptAudioRelation.Matching => "matching",
        PromptAudioRelation.Complementary => "complementary",
        PromptAudioRelation.Creative => "creative",
        _ => "contradictory",
    };
}
