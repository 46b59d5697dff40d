using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// <c>vae</c>: the SD 1.5 VAE decoder with seeded random weights, one 64x64 latent to a 512x512 image, float32
/// on the CPU. Reports the median decode time and memory: process resident memory (Linux VmRSS/VmHWM, which is
/// where LibTorch's native tensors live) with the weights loaded and at its peak during the decodes, and the
/// managed .NET heap for comparison.
/// </summary>
public sealed class VaeBenchSection : IBenchSection
{
    public const long LatentSize = 64;

    public string Name => "vae";

    public string Description => "SD 1.5 VAE decode (random weights), 1x4x64x64 latent -> 512x512, float32";

    public IReadOnlyList<BenchFigure> Run(BenchOptions options, TextWriter log)
    {
        var figures = new List<BenchFigure>();
        using var _ = no_grad();
        log.WriteLine("vae: building the SD 1.5 VAE with random weights");
        using var vae = new AutoencoderKL(AutoencoderKLConfig.StableDiffusion15);
        RandomWeights.Initialize(vae, options.Seed);
        using var generator = new Generator((ulong)options.Seed);
        using var latent = randn([1, 4, LatentSize, LatentSize], generator: generator);

        GC.Collect();
        var before = ProcessMemory.RssBytes;
        var peakReset = ProcessMemory.ResetPeak();
        log.WriteLine($"vae: {options.Warmup} warm-up + {options.Repeats} timed decodes");
        var decode = Timing.Measure(() =>
        {
            using var scope = NewDisposeScope();
            var image = vae.decode(latent);
            if (image.shape[2] != 8 * LatentSize)
                throw new InvalidOperationException($"decode gave {image.shape[2]} rows, not {8 * LatentSize}");
        }, options.Warmup, options.Repeats);
        var peak = ProcessMemory.PeakRssBytes;

        figures.Add(new("decode_ms", decode.MedianMs, "ms", $"median of {decode.Runs} (min {decode.MinMs:F0}, max {decode.MaxMs:F0})"));
        if (before is { } rss && peak is { } high)
        {
            figures.Add(new("rss_with_weights_mb", rss / 1048576.0, "MiB", "process VmRSS before decoding (runtime + LibTorch + VAE weights)"));
            figures.Add(new("peak_rss_mb", high / 1048576.0, "MiB", peakReset
                ? "process VmHWM over the decodes (peak reset before them)"
                : "process VmHWM since start (could not reset the peak; includes earlier sections)"));
            figures.Add(new("decode_extra_mb", (high - rss) / 1048576.0, "MiB", "peak minus the resident memory before decoding"));
        }
        figures.Add(new("managed_heap_mb", GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0, "MiB", ".NET heap only; tensors live in native memory"));
        return figures;
    }
}
