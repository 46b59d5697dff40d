using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// <c>unet</c>: the SD 1.5 UNet architecture with seeded random weights, batch 2, 64x64 latents, 77 tokens,
/// float32 on the CPU under no_grad. Reports the median time per call, the achieved GFLOP/s (FLOPs counted from
/// the config), a large matmul's GFLOP/s as the practical ceiling and their ratio, a per-block-type profile, and
/// the GFLOP/s of the dominant kernels on their own.
/// </summary>
public sealed class UNetBenchSection : IBenchSection
{
    public const long Batch = 2;
    public const long LatentSize = 64;
    public const long Tokens = 77;
    public const long MatmulSize = 2048;

    public string Name => "unet";

    public string Description => "SD 1.5 UNet (random weights), batch 2, 64x64 latents, 77 tokens, float32";

    public IReadOnlyList<BenchFigure> Run(BenchOptions options, TextWriter log)
    {
        var config = UNet2DConditionModelConfig.StableDiffusion15;
        var figures = new List<BenchFigure>();
        using var _ = no_grad();

        log.WriteLine("unet: building the SD 1.5 UNet with random weights");
        UNet2DConditionModel? built = null;
        var buildSeconds = Timing.Seconds(() =>
        {
            built = new UNet2DConditionModel(config);
            RandomWeights.Initialize(built, options.Seed);
        });
        using var unet = built!;
        figures.Add(new("build_s", buildSeconds, "s", "construct + seeded random init, 859.5M parameters"));

        using var generator = new Generator((ulong)options.Seed);
        using var sample = randn([Batch, 4, LatentSize, LatentSize], generator: generator);
        using var context = randn([Batch, Tokens, 768], generator: generator);
        using var timestep = tensor(new long[] { 500, 500 });
        var flops = UNetFlopCounter.Count(config, Batch, LatentSize, LatentSize, Tokens);
        var total = flops.Sum(e => e.Flops);

        log.WriteLine($"unet: {options.Warmup} warm-up + {options.Repeats} timed calls, each followed by {MatmulSize}x{MatmulSize} matmuls");
        void Call()
        {
            using var scope = NewDisposeScope();
            unet.forward(sample, timestep, context);
        }
        for (var i = 0; i < options.Warmup; i++)
            Call();
        // Each call is paired with a ceiling measured right after it, so load from other processes, which drifts
        // over minutes on a shared machine, weighs on both sides of each ratio alike.
        var calls = new List<Timing.Result>();
        var ceilings = new List<double>();
        var callUsage = default(ResourceUsage);
        for (var i = 0; i < options.Repeats; i++)
        {
            var before = ResourceUsage.Process();
            calls.Add(Timing.Measure(Call, 0, 1));
            callUsage += ResourceUsage.Process() - before;
            ceilings.Add(MatmulCeiling.Measure(MatmulSize, 1, 3, options.Seed).Gflops);
        }
        var rates = calls.Select(c => total / (c.MedianMs / 1000) / 1e9).ToList();
        var callMs = Median(calls.Select(c => c.MedianMs));
        figures.Add(new("call_ms", callMs, "ms", $"median of {calls.Count} (min {calls.Min(c => c.MedianMs):F0}, max {calls.Max(c => c.MedianMs):F0})"));
        figures.Add(new("gflop_per_call", total / 1e9, "GFLOP", "2 x MACs of convolutions, linear layers and attention matmuls"));
        figures.Add(new("attention_matmul_share", 100.0 * flops.Where(e => e.Kind == "attention").Sum(e => e.Flops) / total, "%"));
        figures.Add(new("unet_gflops", total / (callMs / 1000) / 1e9, "GFLOP/s", "at the median call time"));
        figures.Add(new("matmul_gflops", Median(ceilings), "GFLOP/s", $"{MatmulSize}x{MatmulSize} @ {MatmulSize}x{MatmulSize}, median after each call"));
        figures.Add(new("unet_vs_matmul", 100 * Median(rates.Zip(ceilings, (rate, ceiling) => rate / ceiling)), "%",
            "median over calls of call GFLOP/s / matmul GFLOP/s right after it; target >= 60"));
        // The section's own share (process.system_share) also holds building 3.4 GB of weights, whose first-touch
        // faults no allocator setting avoids; this is what each call pays.
        figures.Add(new("calls.system_share", callUsage.SystemShare, "%", "system time / (user + system) during the timed calls only"));
        figures.Add(new("calls.minor_faults", callUsage.MinorFaults / (double)options.Repeats, "faults", "per timed call"));

        log.WriteLine("unet: profiling one call by block type");
        foreach (var part in UNetProfile.Run(unet, sample, timestep, context, flops))
        {
            figures.Add(new($"profile.{part.Category}.ms", part.Ms, "ms"));
            if (part.Flops > 0)
                figures.Add(new($"profile.{part.Category}.gflops", part.Gflops, "GFLOP/s"));
        }

        log.WriteLine("unet: timing the dominant kernels alone");
        figures.AddRange(KernelFigures(options));
        return figures;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The level-0 shapes (4096 tokens of 320 channels), where most of the time goes.</summary>
    private static IEnumerable<BenchFigure> KernelFigures(BenchOptions options)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)options.Seed + 1);
        var tokens = LatentSize * LatentSize;
        var repeats = Math.Max(3, options.Repeats);

        var image = randn([Batch, 320, LatentSize, LatentSize], generator: generator);
        var kernel = Scalars.Times(0.02, randn([320, 320, 3, 3], generator: generator));
        var conv = Timing.Measure(() => { using var s = NewDisposeScope(); nn.functional.conv2d(image, kernel, padding: [1, 1]); }, 1, repeats);
        yield return new("kernel.conv3x3_320.gflops", 2.0 * Batch * tokens * 320 * 320 * 9 / (conv.MedianMs / 1000) / 1e9, "GFLOP/s",
            "3x3 conv, 320 -> 320 channels at 64x64");

        // Experiment (issue 16): the same convolution with input and weights in channels-last (NHWC) memory, which
        // oneDNN prefers on CPU; the engine keeps NCHW unless this is clearly faster.
        // (NCHW shape over NHWC strides: the layout LibTorch's convolution recognises as channels-last.)
        var imageLast = image.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        var kernelLast = kernel.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        var convLast = Timing.Measure(() => { using var s = NewDisposeScope(); nn.functional.conv2d(imageLast, kernelLast, padding: [1, 1]); }, 1, repeats);
        yield return new("kernel.conv3x3_320_channels_last.gflops", 2.0 * Batch * tokens * 320 * 320 * 9 / (convLast.MedianMs / 1000) / 1e9, "GFLOP/s",
            "the same conv, input and weights channels-last (experiment)");

        var query = randn([Batch, 8, tokens, 40], generator: generator);
        var key = randn([Batch, 8, tokens, 40], generator: generator);
        var value = randn([Batch, 8, tokens, 40], generator: generator);
        var attention = Timing.Measure(() => { using var s = NewDisposeScope(); nn.functional.scaled_dot_product_attention(query, key, value); }, 1, repeats);
        yield return new("kernel.self_attention_4096.gflops", 4.0 * Batch * tokens * tokens * 320 / (attention.MedianMs / 1000) / 1e9, "GFLOP/s",
            "scaled_dot_product_attention, 8 heads x 40, 4096 tokens");

        // Experiment (issue 16): attention written out (scores, softmax, weighted sum), the form the upstream code
        // had before fused kernels; it materialises the 4096 x 4096 scores of every head.
        var scale = 1.0 / Math.Sqrt(40);
        var written = Timing.Measure(() =>
        {
            using var s = NewDisposeScope();
            var scores = Scalars.Times(scale, matmul(query, key.transpose(-2, -1)));
            matmul(scores.softmax(-1), value);
        }, 1, repeats);
        yield return new("kernel.self_attention_4096_written_out.gflops", 4.0 * Batch * tokens * tokens * 320 / (written.MedianMs / 1000) / 1e9, "GFLOP/s",
            "the same attention as matmul, softmax, matmul (experiment)");

        var hidden = randn([Batch, tokens, 320], generator: generator);
        var weight = Scalars.Times(0.05, randn([2560, 320], generator: generator));
        var linear = Timing.Measure(() => { using var s = NewDisposeScope(); nn.functional.linear(hidden, weight); }, 1, repeats);
        yield return new("kernel.linear_320x2560.gflops", 2.0 * Batch * tokens * 320 * 2560 / (linear.MedianMs / 1000) / 1e9, "GFLOP/s",
            "GEGLU projection at 4096 tokens");
    }
}
