namespace Clap2Diffusion.Engine.Benchmarks;

/// <param name="Repeats">Timed runs per measurement; figures are their median.</param>
/// <param name="Warmup">Untimed runs before them.</param>
/// <param name="Seed">Seed of random weights and inputs.</param>
public sealed record BenchOptions(int Repeats = 3, int Warmup = 1, long Seed = 1234);
