using System.Text.Json;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Cli.Verbs;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Tests.Engine.Cli;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Runtime;

public sealed class MemoryAllocatorTests
{
    /// <summary>The engine's build output for this test run's configuration, started as <c>dotnet Web.Engine.dll</c>.</summary>
    private static IReadOnlyList<string> BuiltEngine()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent!.Parent!.Name;
        var dll = Path.Combine(SharedData.RepositoryRoot, "Web.Engine", "bin", configuration, testOutput.Parent.Name, testOutput.Name, "Web.Engine.dll");
        Assert.True(File.Exists(dll), $"Build the solution first: the engine is not at {dll}.");
        return ["dotnet", dll];
    }

    private static double Figure(JsonElement run, string section, string name) =>
        run.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("name").GetString() == section)
            .GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("name").GetString() == name)
            .GetProperty("value").GetDouble();

    [Fact]
    public void Tuned_a_second_256_MiB_tensor_reuses_the_first_ones_memory_and_default_faults_it_in_again()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var cli = new CliContext(output, error, false);

        var code = VerbAction.Guard(cli, () => BenchVerb.Compare(cli, BuiltEngine(), BenchSections.All, ["allocator"],
            new BenchOptions(Repeats: 1, Warmup: 1), threads: 1, newThread: false, json: true));

        Assert.True(code == ExitCodes.Success, error.ToString());
        using var runs = JsonDocument.Parse(output.ToString());
        var before = runs.RootElement.GetProperty("default");
        var after = runs.RootElement.GetProperty("tuned");
        Assert.Equal("default", before.GetProperty("environment").GetProperty("allocator").GetString());
        if (MemoryAllocator.GlibcVersion is null)
        {
            Assert.Equal("unavailable", after.GetProperty("environment").GetProperty("allocator").GetString());
            return;
        }
        Assert.Equal("tuned", after.GetProperty("environment").GetProperty("allocator").GetString());
        // 65,536 pages of 4 KiB: the default hands the block back and faults every page in again.
        Assert.InRange(Figure(before, "allocator", "this_thread.refill_minor_faults"), 30_000, 1_000_000);
        Assert.InRange(Figure(before, "allocator", "new_thread.refill_minor_faults"), 30_000, 1_000_000);
        // Tuned, the main thread refills memory it kept; a later thread's own arena still maps the block afresh,
        // but in 2 MiB huge pages (about 130 faults where THP is on, at most a few hundred more for the rest).
        Assert.InRange(Figure(after, "allocator", "this_thread.refill_minor_faults"), 0, 1_000);
        Assert.InRange(Figure(after, "allocator", "new_thread.refill_minor_faults"), 0, 2_000);
    }

    [Fact]
    public void The_comparison_prints_each_figure_of_both_runs_with_the_ratio()
    {
        static JsonDocument Run(string allocator, double callMs, double faults) => JsonDocument.Parse(JsonSerializer.Serialize(
            new BenchReport(new BenchEnvironment(2, 2, "cpu float32", "linux", 1, 0, 1, allocator, "main", "off (asked)"),
                [new BenchSectionResult("unet", "u", [new BenchFigure("call_ms", callMs, "ms"), new BenchFigure("process.minor_faults", faults, "faults")])]),
            CliContext.Json));
        using var before = Run("default", 16_000, 400_000);
        using var after = Run("tuned", 10_000, 4_000);
        var output = new StringWriter();

        AllocatorComparison.Print(output, before, after);

        var text = output.ToString();
        Assert.Contains("# default run: allocator default, 2 torch threads, main thread", text);
        Assert.Contains("# tuned run: allocator tuned", text);
        Assert.Matches(@"unet\.call_ms\s+16000\s+10000\s+0\.625\s+ms\s+\(1\.60x faster\)", text);
        Assert.Matches(@"unet\.process\.minor_faults\s+400000\s+4000\s+0\.01\s+faults\r?\n", text);
    }

    [Fact]
    public void An_unknown_allocator_setting_is_refused_by_name()
    {
        var (code, _, error) = EngineCliTests.Run("keys", "--allocator", "jemalloc");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("jemalloc", error);
        Assert.Contains("tuned", error);
        Assert.Equal("allocator 'fast' is not one of tuned, default.",
            Assert.Throws<InputException>(() => MemoryAllocator.Apply("fast", TextWriter.Null)).Message);
    }

    [Fact]
    public void The_test_host_runs_the_tuned_allocator_where_glibc_allows()
    {
        Assert.Equal(MemoryAllocator.GlibcVersion is null ? MemoryAllocator.Unavailable : MemoryAllocator.Tuned, MemoryAllocator.Current);
        Assert.Equal(MemoryAllocator.Current, MemoryAllocator.Apply(MemoryAllocator.Default, TextWriter.Null));
    }
}
