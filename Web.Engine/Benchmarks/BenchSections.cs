namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// Every section <c>bench</c> can run, in order. Add a core section with one line; a feature folder registers its
/// own (the demo's generation, training and soak sections), which run after the safety section.
/// </summary>
public static class BenchSections
{
    private static readonly List<Func<SoakPlan, IBenchSection>> registered = [];

    public static IReadOnlyList<IBenchSection> All => For(new SoakPlan());

    /// <summary>The sections, with the soak plan <c>bench --soak-*</c> chose given to the sections that read it.</summary>
    public static IReadOnlyList<IBenchSection> For(SoakPlan soak) =>
    [
        new UNetBenchSection(),
        new VaeBenchSection(),
        new ClapBenchSection(),
        new SafetyBenchSection(),
        .. registered.Select(section => section(soak)),
        new AllocatorBenchSection(),
    ];

    public static void Register(Func<SoakPlan, IBenchSection> section) => registered.Add(section);
}
