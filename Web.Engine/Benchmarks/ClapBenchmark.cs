using System.Diagnostics;
using Clap2Diffusion.Engine.Models.Clap;
using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>One CLAP audio timing: milliseconds per call of <c>GetAudioFeatures</c> on ready-made features.</summary>
public sealed record ClapBenchmarkResult(
    string Model, string Target, int Threads, int BatchSize, int Runs, double BuildMs, double MeanMs, double MinMs, double MaxMs)
{
    public override string ToString() =>
        $"{Model} on {Target} ({Threads} threads), batch {BatchSize}: mean {MeanMs:F1} ms, min {MinMs:F1} ms, " +
        $"max {MaxMs:F1} ms over {Runs} runs (model built in {BuildMs:F0} ms)";
}

/// <summary>
/// Times the CLAP audio tower (HTSAT + projection + normalisation) embedding 10 s clips whose log-mel features
/// (B, 1, 1001, 64) are already computed, with random weights: the cost per clip that generation and feature
/// caching pay. Feature extraction and weight loading are not included.
/// </summary>
public static class ClapBenchmark
{
    public const int TenSecondFrames = 1001;

    /// <param name="config">Audio configuration; the published <c>laion/clap-htsat-unfused</c> one by default.</param>
    public static ClapBenchmarkResult Measure(ComputeTarget? target = null, int runs = 5, int warmup = 1, int batchSize = 1,
        ClapAudioConfig? config = null, int seed = 0)
    {
        if (runs < 1 || warmup < 0)
            throw new InputException($"benchmark runs must be at least 1 and warm-up runs at least 0 (got {runs}, {warmup})");
        if (batchSize is < 1 or > 256)
            throw new InputException($"benchmark batch size must be 1 to 256, not {batchSize}");
        target ??= ComputeTarget.Cpu;
        config ??= ClapConfig.HtsatUnfused.AudioConfig;

        manual_seed(seed);
        var build = Stopwatch.StartNew();
        using var model = new ClapAudioModelWithProjection(config, target.Device);
        if (target.DType != ScalarType.Float32)
            model.to(target.DType);
        ClapPretrained.Freeze(model);
        build.Stop();

        // Log-mel-like values around −20 ± 15; the random draw and its scaling are freed here, not by the finaliser.
        using var spread = 15.ToScalar();
        using var offset = 20.ToScalar();
        using var draw = randn(batchSize, 1, TenSecondFrames, config.NumMelBins, device: target.Device);
        using var scaled = draw * spread;
        using var shifted = scaled - offset;
        using var features = shifted.to_type(target.DType);
        var times = new List<double>(runs);
        using (no_grad())
        {
            for (var i = 0; i < warmup + runs; i++)
            {
                var watch = Stopwatch.StartNew();
                using (NewDisposeScope())
                {
                    _ = model.GetAudioFeatures(features);
                    if (target.IsCuda)
                        cuda.synchronize();
                }
                watch.Stop();
                if (i >= warmup)
                    times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        var name = config == ClapConfig.HtsatUnfused.AudioConfig
            ? "clap-htsat-unfused-audio"
            : $"clap-audio (width {config.EncoderWidth}, depths [{string.Join(", ", config.Depths)}])";
        return new ClapBenchmarkResult(name, target.ToString(), get_num_threads(), batchSize, runs, build.Elapsed.TotalMilliseconds,
            times.Average(), times.Min(), times.Max());
    }
}
