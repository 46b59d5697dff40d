using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>Everything one <c>bench</c> run measured, with the conditions it ran under.</summary>
public sealed record BenchReport(BenchEnvironment Environment, IReadOnlyList<BenchSectionResult> Sections);

public sealed record BenchEnvironment(int TorchThreads, int Processors, string Device, string Os, int Repeats, int Warmup, long Seed);

/// <summary>Selects sections by name and runs them in registry order.</summary>
public static class BenchRunner
{
    public static IReadOnlyList<IBenchSection> Select(IReadOnlyList<IBenchSection> sections, IReadOnlyCollection<string>? only)
    {
        if (only is null || only.Count == 0)
            return sections;
        var unknown = only.Where(name => sections.All(s => !string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
            throw new InputException($"unknown bench section(s) {string.Join(", ", unknown)}; valid: {string.Join(", ", sections.Select(s => s.Name))}");
        return sections.Where(s => only.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    public static BenchReport Run(IReadOnlyList<IBenchSection> sections, BenchOptions options, TextWriter log)
    {
        var environment = new BenchEnvironment(get_num_threads(), System.Environment.ProcessorCount, "cpu float32",
            System.Runtime.InteropServices.RuntimeInformation.OSDescription, options.Repeats, options.Warmup, options.Seed);
        var results = new List<BenchSectionResult>();
        foreach (var section in sections)
        {
            using var scope = NewDisposeScope();
            results.Add(new BenchSectionResult(section.Name, section.Description, section.Run(options, log)));
        }
        return new BenchReport(environment, results);
    }
}
