namespace Clap2Diffusion.Tests.Infrastructure;

/// <summary>
/// Tests that build SD 1.5-size models (gigabytes of weights) run in this collection, alone, after the parallel
/// ones, so two of them never hold memory at once. They use small latents.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Sd15SizeCollection
{
    public const string Name = "SD15-size models";
}
