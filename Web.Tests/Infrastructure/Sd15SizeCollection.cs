namespace Clap2Diffusion.Tests.Infrastructure;

/// <summary>
/// Tests that build models of the published size (hundreds of MB) run one at a time, after the parallel tests,
/// so the machine never holds several at once.
/// </summary>
[CollectionDefinition("SD15-size models", DisableParallelization = true)]
public sealed class Sd15SizeCollection;
