using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>Draws scenes uniformly over objects, each audio level present with a fixed probability.</summary>
public static class SceneSampler
{
    public const double LevelPresence = 0.75;

    public static DemoScene Sample(SeededRandom random) => new(
        random.Pick(DemoVocabulary.Shapes),
        random.Pick(DemoVocabulary.Colors),
        random.Chance(LevelPresence) ? random.Pick(DemoVocabulary.Foreground) : null,
        random.Chance(LevelPresence) ? random.Pick(DemoVocabulary.Background) : null,
        random.Chance(LevelPresence) ? random.Pick(DemoVocabulary.Ambience) : null);
}
