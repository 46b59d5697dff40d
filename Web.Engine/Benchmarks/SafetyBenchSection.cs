using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Models.Safety;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// <c>safety</c>: what the SD 1.5 safety checker adds to each final image, at its real size (CLIP ViT-L/14 vision
/// tower, 24 layers, 1024 wide) with seeded random weights, float32 on the CPU: the feature extractor on a 512x512
/// image (bicubic resize to 224, crop, normalise) and the checker itself.
/// </summary>
public sealed class SafetyBenchSection : IBenchSection
{
    public const int ImageSide = 512;

    public string Name => "safety";

    public string Description => "SD 1.5 safety checker (CLIP ViT-L/14 vision, random weights): cost per 512x512 image, float32";

    public IReadOnlyList<BenchFigure> Run(BenchOptions options, TextWriter log)
    {
        using var _ = no_grad();
        log.WriteLine("safety: building the checker with random weights");
        using var checker = new StableDiffusionSafetyChecker(CLIPConfig.ClipVitLargePatch14);
        RandomWeights.Initialize(checker, options.Seed);
        checker.eval();
        var processor = new CLIPImageProcessor();
        var random = new Random((int)options.Seed);
        var pixels = new byte[ImageSide * ImageSide * 3];
        random.NextBytes(pixels);
        var image = new RgbImage(ImageSide, ImageSide, pixels);

        GC.Collect();
        var before = ProcessMemory.RssBytes;
        log.WriteLine($"safety: {options.Warmup} warm-up + {options.Repeats} timed runs of preprocessing and checking");
        var preprocess = Timing.Measure(() =>
        {
            using var input = processor.Preprocess([image]);
        }, options.Warmup, options.Repeats);
        using var clipInput = processor.Preprocess([image]);
        var check = Timing.Measure(() =>
        {
            if (checker.forward(clipInput).Count != 1)
                throw new InvalidOperationException("the checker decided for other than one image");
        }, options.Warmup, options.Repeats);
        var peak = ProcessMemory.PeakRssBytes;

        var figures = new List<BenchFigure>
        {
            new("preprocess_ms", preprocess.MedianMs, "ms", $"512x512 -> 224x224 CLIP image processor, median of {preprocess.Runs}"),
            new("check_ms", check.MedianMs, "ms", $"ViT-L/14 vision + projection + concept scores, median of {check.Runs} (min {check.MinMs:F0}, max {check.MaxMs:F0})"),
            new("per_image_ms", preprocess.MedianMs + check.MedianMs, "ms", "what each final image costs with the checker on"),
        };
        if (before is { } rss)
            figures.Add(new("rss_with_checker_mb", rss / 1048576.0, "MiB", "process VmRSS with the checker loaded (includes earlier sections)"));
        if (peak is { } high)
            figures.Add(new("peak_rss_mb", high / 1048576.0, "MiB", "process VmHWM since start"));
        return figures;
    }
}
