namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>Every section <c>bench</c> can run, in order. Add a section with one line.</summary>
public static class BenchSections
{
    public static IReadOnlyList<IBenchSection> All { get; } =
    [
        new UNetBenchSection(),
        new VaeBenchSection(),
        new ClapBenchSection(),
        new SafetyBenchSection(),
        new DemoGenerationBenchSection(),
        new TrainingBenchSection(),
        new SoakBenchSection(),
        new AllocatorBenchSection(),
    ];
}
