namespace Clap2Diffusion.Tests.Infrastructure;

/// <summary>
/// Tests that build models of the published size (hundreds of MB to gigabytes) run in this collection, one at a
/// time, after the parallel tests, so the machine never holds several at once. They use small inputs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Sd15SizeCollection
{
    public const string Name = "SD15-size models";
}
