namespace Clap2Diffusion.Engine.Worlds;

/// <summary>The synthetic world the engine ships, registered by its feature folder when the engine assembly loads.</summary>
public static class SyntheticWorlds
{
    private static ISyntheticWorld? builtIn;

    public static ISyntheticWorld BuiltIn =>
        builtIn ?? throw new InvalidOperationException("this build of the engine registers no synthetic world");

    public static void Register(ISyntheticWorld world) => builtIn = world;
}
