using System.Diagnostics;
using Clap2Diffusion.Engine.Audio;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>One feature-extraction timing: milliseconds to turn one clip into CLAP input features on the calling thread.</summary>
public sealed record ClapFeatureBenchmarkResult(int SourceRate, double Seconds, int Runs, double MeanMs, double MinMs, double MaxMs)
{
    public override string ToString() =>
        $"CLAP features of a {Seconds:0.#} s clip at {SourceRate} Hz{(SourceRate == 48000 ? "" : " (resampled to 48 kHz)")}: " +
        $"mean {MeanMs:F1} ms, min {MinMs:F1} ms, max {MaxMs:F1} ms over {Runs} runs";
}

/// <summary>
/// Times <see cref="ClapFeatureExtractor"/> with the laion/clap-htsat-unfused settings on a synthetic clip
/// (a tone glide plus seeded noise), including resampling when the clip is not at 48 kHz. Decoding is not
/// included. Single-threaded: the extractor does not use torch.
/// </summary>
public static class ClapFeatureBenchmark
{
    public static ClapFeatureBenchmarkResult Measure(int sourceRate = 48000, double seconds = 10, int runs = 5, int warmup = 1, int seed = 0)
    {
        if (runs < 1 || warmup < 0)
            throw new InputException($"benchmark runs must be at least 1 and warm-up runs at least 0 (got {runs}, {warmup})");
        if (sourceRate is < 1000 or > 384_000 || seconds is <= 0 or > 600)
            throw new InputException($"benchmark clip must be 1 to 384 kHz and up to 600 s (got {sourceRate} Hz, {seconds} s)");

        var random = new Random(seed);
        var samples = new float[(int)(sourceRate * seconds)];
        for (var n = 0; n < samples.Length; n++)
        {
            var t = (double)n / sourceRate;
            samples[n] = (float)(0.3 * Math.Sin(2 * Math.PI * (200 * t + 150 * t * t)) + 0.05 * (random.NextDouble() - 0.5));
        }
        var clip = AudioClip.FromSamples(samples, sourceRate);
        var extractor = new ClapFeatureExtractor(ClapFeatureExtractorConfig.HtsatUnfused);

        var times = new List<double>(runs);
        for (var i = 0; i < warmup + runs; i++)
        {
            var watch = Stopwatch.StartNew();
            extractor.Extract(clip, new Random(seed));
            watch.Stop();
            if (i >= warmup)
                times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return new ClapFeatureBenchmarkResult(sourceRate, seconds, runs, times.Average(), times.Min(), times.Max());
    }
}
