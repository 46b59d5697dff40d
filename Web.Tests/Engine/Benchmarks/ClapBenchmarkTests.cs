using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Engine.Models.Clap;

namespace Clap2Diffusion.Tests.Engine.Benchmarks;

/// <summary>The benchmark's bookkeeping on a tiny model; the figures themselves come from running it, not from tests.</summary>
public sealed class ClapBenchmarkTests
{
    private static readonly ClapAudioConfig Tiny = new()
    {
        PatchEmbedsHiddenSize = 8, Depths = [1, 1, 1, 1], NumAttentionHeads = [1, 1, 2, 2], HiddenSize = 64, ProjectionDim = 16,
    };

    [Fact]
    public void Measure_reports_every_requested_run()
    {
        var result = ClapBenchmark.Measure(runs: 3, warmup: 1, batchSize: 2, config: Tiny);

        Assert.Equal((3, 2), (result.Runs, result.BatchSize));
        Assert.StartsWith("clap-audio (width 64", result.Model);
        Assert.InRange(result.MinMs, double.Epsilon, result.MeanMs);
        Assert.InRange(result.MaxMs, result.MeanMs, double.MaxValue);
        Assert.Contains("cpu float32", result.ToString());
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, -1, 1)]
    [InlineData(1, 0, 0)]
    public void Bad_settings_are_input_errors(int runs, int warmup, int batch) =>
        Assert.Throws<InputException>(() => ClapBenchmark.Measure(runs: runs, warmup: warmup, batchSize: batch, config: Tiny));
}
