using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>
/// Writes text prompts for the demo world: the object ("a red circle"), optionally followed by scene words
/// ("a red circle with bell and rain").
/// </summary>
public static class PromptWriter
{
    public static string Write(string shape, string color, IReadOnlyList<string> sceneWords)
    {
        var prompt = $"a {color} {shape}";
        return sceneWords.Count switch
        {
            0 => prompt,
            1 => $"{prompt} with {sceneWords[0]}",
            _ => $"{prompt} with {string.Join(", ", sceneWords.Take(sceneWords.Count - 1))} and {sceneWords[^1]}",
        };
    }

    /// <summary>
    /// The caption the base text-to-image model trains on: object words always, scene words half of the time
    /// (then each present element independently, at least one), so text alone can draw a scene when asked and
    /// the audio has to supply it when text is silent.
    /// </summary>
    public static string TrainingCaption(DemoScene scene, SeededRandom random)
    {
        var elements = scene.SceneElements.ToList();
        if (elements.Count == 0 || random.Chance(0.5))
            return Write(scene.Shape, scene.Color, []);
        var named = elements.Where(_ => random.Chance(0.7)).ToList();
        if (named.Count == 0)
            named.Add(random.Pick(elements));
        return Write(scene.Shape, scene.Color, named);
    }
}
