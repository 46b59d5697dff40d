namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// One named part of <c>bench</c>. A section measures and returns figures; progress goes to the log (stderr).
/// Register a new one with a line in <see cref="BenchSections.All"/>.
/// </summary>
public interface IBenchSection
{
    string Name { get; }

    string Description { get; }

    IReadOnlyList<BenchFigure> Run(BenchOptions options, TextWriter log);
}
