namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>The built-in evaluation world, registered by its feature folder when the engine assembly loads.</summary>
public static class EvaluationWorlds
{
    private static IEvaluationWorld? builtIn;

    public static IEvaluationWorld BuiltIn =>
        builtIn ?? throw new InvalidOperationException("this build of the engine registers no evaluation world");

    public static void Register(IEvaluationWorld world) => builtIn = world;
}
