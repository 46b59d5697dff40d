namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// <c>clap</c>: embedding one 10 s clip with <c>laion/clap-htsat-unfused</c>'s architecture (random weights,
/// float32, CPU): the feature extractor (with and without resampling from 44.1 kHz) and the HTSAT encoder.
/// </summary>
public sealed class ClapBenchSection : IBenchSection
{
    public string Name => "clap";

    public string Description => "CLAP (HTSAT-unfused, random weights): features and audio embedding of one 10 s clip, float32";

    public IReadOnlyList<BenchFigure> Run(BenchOptions options, TextWriter log)
    {
        log.WriteLine("clap: feature extraction of a 10 s clip at 48 kHz and at 44.1 kHz");
        var native = ClapFeatureBenchmark.Measure(48000, 10, options.Repeats, options.Warmup, (int)options.Seed);
        var resampled = ClapFeatureBenchmark.Measure(44100, 10, options.Repeats, options.Warmup, (int)options.Seed);
        log.WriteLine("clap: building HTSAT-unfused with random weights and embedding the features");
        var model = ClapBenchmark.Measure(runs: options.Repeats, warmup: options.Warmup, seed: (int)options.Seed);
        return
        [
            new("features_48k_ms", native.MeanMs, "ms", $"mean of {native.Runs} (min {native.MinMs:F0})"),
            new("features_44k1_ms", resampled.MeanMs, "ms", "resampling to 48 kHz included"),
            new("embed_ms", model.MeanMs, "ms", $"HTSAT + projection, batch 1, mean of {model.Runs} (min {model.MinMs:F0})"),
            new("clip_to_embedding_ms", native.MeanMs + model.MeanMs, "ms", "features + embedding of one 48 kHz clip"),
        ];
    }
}
