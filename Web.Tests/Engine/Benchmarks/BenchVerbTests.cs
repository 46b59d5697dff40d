using System.Text.Json;
using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Cli.Verbs;
using Clap2Diffusion.Tests.Engine.Cli;

namespace Clap2Diffusion.Tests.Engine.Benchmarks;

public sealed class BenchVerbTests
{
    private sealed class FakeSection(string name, double value) : IBenchSection
    {
        public int Runs { get; private set; }

        public string Name => name;

        public string Description => $"fake {name}";

        public IReadOnlyList<BenchFigure> Run(BenchOptions options, TextWriter log)
        {
            Runs++;
            var timing = Timing.Measure(() => Thread.SpinWait(10), options.Warmup, options.Repeats);
            return [new("value", value, "units", "a note"), new("runs", timing.Runs, "count")];
        }
    }

    private static (int Code, string Out, string Error) Run(IReadOnlyList<IBenchSection> sections, string[]? only, bool json)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = VerbAction.Guard(new CliContext(output, error, false), () =>
            BenchVerb.Run(new CliContext(output, error, false), sections, only, new BenchOptions(Repeats: 2, Warmup: 0), 0, json));
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Only_runs_the_named_sections_and_prints_their_figures()
    {
        var first = new FakeSection("first", 1.5);
        var second = new FakeSection("second", 2.5);

        var (code, output, _) = Run([first, second], ["second"], json: false);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal((0, 1), (first.Runs, second.Runs));
        Assert.Contains("## second: fake second", output);
        Assert.Matches(@"second\.value\s+2\.5 units\s+a note", output);
        Assert.Matches(@"second\.runs\s+2 count", output);
    }

    [Fact]
    public void Json_output_is_one_object_with_environment_and_sections()
    {
        var (code, output, _) = Run([new FakeSection("only", 7)], null, json: true);

        Assert.Equal(ExitCodes.Success, code);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal(2, root.GetProperty("environment").GetProperty("repeats").GetInt32());
        Assert.Equal(Clap2Diffusion.Engine.Runtime.MemoryAllocator.Current, root.GetProperty("environment").GetProperty("allocator").GetString());
        Assert.Equal(Clap2Diffusion.Engine.Runtime.OneDnn.Current, root.GetProperty("environment").GetProperty("one_dnn").GetString());
        Assert.Equal("main", root.GetProperty("environment").GetProperty("thread").GetString());
        var section = Assert.Single(root.GetProperty("sections").EnumerateArray());
        Assert.Equal("only", section.GetProperty("name").GetString());
        Assert.Equal(7, section.GetProperty("figures")[0].GetProperty("value").GetDouble());
        var share = section.GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "process.system_share");
        Assert.InRange(share.GetProperty("value").GetDouble(), 0, 100);
    }

    [Fact]
    public void Unknown_sections_and_bad_counts_exit_2()
    {
        var (unknown, _, unknownError) = EngineCliTests.Run("bench", "--only", "unet,nosuch");
        var (repeats, _, repeatsError) = EngineCliTests.Run("bench", "--only", "unet", "--repeats", "0");

        Assert.Equal(ExitCodes.BadInput, unknown);
        Assert.Contains("unknown bench section(s) nosuch; valid: unet", unknownError);
        Assert.Equal(ExitCodes.BadInput, repeats);
        Assert.Contains("--repeats", repeatsError);
    }

    [Fact]
    public void Timing_reports_the_median_of_the_timed_runs()
    {
        var delays = new Queue<int>([0, 30, 1, 60]);

        var result = Timing.Measure(() => Thread.Sleep(delays.Dequeue()), warmup: 1, repeats: 3);

        Assert.Equal(3, result.Runs);
        Assert.True(result.MedianMs >= 29, $"median {result.MedianMs} ms");
        Assert.True(result.MaxMs >= 59, $"max {result.MaxMs} ms");
        Assert.True(result.MinMs < result.MedianMs && result.MedianMs <= result.MaxMs);
    }
}
