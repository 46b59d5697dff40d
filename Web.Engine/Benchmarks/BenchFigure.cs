namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>One measured or derived number, e.g. <c>unet.call_ms = 23817 ms</c>.</summary>
public sealed record BenchFigure(string Name, double Value, string Unit, string? Note = null);

/// <summary>What one section reported.</summary>
public sealed record BenchSectionResult(string Name, string Description, IReadOnlyList<BenchFigure> Figures);
