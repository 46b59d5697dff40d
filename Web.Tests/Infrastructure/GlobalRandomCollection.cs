namespace Clap2Diffusion.Tests.Infrastructure;

/// <summary>
/// LibTorch's default random generator is one per process: a test that seeds it with <c>manual_seed</c> and expects two
/// constructions to draw the same weights must not share the process with tests drawing from it on other threads. Its
/// tests run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRandomCollection
{
    public const string Name = "LibTorch's global random generator";
}
