using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Engine.Demo.Build;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training;
using Clap2Diffusion.Engine.Training.Optim;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Demo.Benchmarks;

/// <summary>
/// <c>training</c>: adapter training throughput from cached features (the frozen VAE, CLAP and CLIP outputs are
/// inputs, as the feature cache makes them): one optimiser step is the frozen UNet forward with the adapters,
/// the diffusion and alignment losses, the backward pass into the adapters and AdamW. For the SD 1.5
/// architecture (random weights, full V4 adapters) at batch 1 and 2, and for the embedded demo model at the demo
/// build's batch. Reports samples per second and peak memory.
/// </summary>
public sealed class TrainingBenchSection : IBenchSection
{
    public string Name => "training";

    public string Description => "adapter training steps from cached features: SD 1.5 (batch 1, 2) and the demo model";

    public IReadOnlyList<BenchFigure> Run(BenchOptions options, TextWriter log)
    {
        var figures = new List<BenchFigure>();
        log.WriteLine("training: building the SD 1.5 UNet with random weights and the full V4 adapters");
        using (var unet = new UNet2DConditionModel(UNet2DConditionModelConfig.StableDiffusion15))
        {
            RandomWeights.Initialize(unet, options.Seed);
            Freeze(unet);
            manual_seed(options.Seed);
            using var adapters = new AudioAdapters(V4AdapterConfig.Sd15, unet.TransformerBlockSites);
            foreach (var batch in new[] { 1, 2 })
                figures.AddRange(Measure($"sd15_batch{batch}", unet, adapters, batch, 64, 768, 512, options, log));
        }

        log.WriteLine("training: the embedded demo model");
        var folder = EmbeddedModel.Require(null);
        using (var unet = UNet2DConditionModel.FromPretrained(Path.Combine(folder, "unet"), ComputeTarget.Cpu))
        {
            manual_seed(options.Seed);
            using var adapters = new AudioAdapters(DemoArchitecture.Adapters(), unet.TransformerBlockSites);
            figures.AddRange(Measure("demo_batch16", unet, adapters, DemoProfile.Full.AdapterBatch, 16, DemoArchitecture.TextWidth, DemoArchitecture.ClapDim, options, log));
        }
        return figures;
    }

    private static IEnumerable<BenchFigure> Measure(string name, UNet2DConditionModel unet, AudioAdapters adapters, int batch, int latent,
        int textWidth, int clapDim, BenchOptions options, TextWriter log)
    {
        using var generator = new Generator((ulong)options.Seed);
        using var latents = randn([batch, 4, latent, latent], generator: generator);
        using var text = randn([batch, 77, textWidth], generator: generator);
        using var clap = nn.functional.normalize(randn([batch, clapDim], generator: generator), dim: 1);
        using var mask = ones(batch, 77);
        using var timesteps = randint(0, 1000, [batch], generator: generator, dtype: ScalarType.Int64);
        using var optimizer = new AdamW(adapters.named_parameters().Select(p => (p.name, p.parameter)));
        adapters.train();
        GC.Collect();
        var before = ProcessMemory.RssBytes;
        var peakReset = ProcessMemory.ResetPeak();
        log.WriteLine($"training: {name}: {options.Warmup} warm-up + {options.Repeats} timed steps");
        var step = Timing.Measure(() =>
        {
            using var scope = NewDisposeScope();
            var noise = randn(latents.shape, generator: generator);
            var tokens = adapters.audio_encoder.forward(clap);
            var hooks = new UNetHooks { TransformerBlocks = new AudioAdapterHook(adapters, tokens, ones(batch), new AudioStrength()), Projections = adapters.Projections };
            var prediction = unet.forward(latents.add(noise, Scalars.One), timesteps, text, hooks);
            var alignment = AdapterTrainer.AlignmentLoss(tokens.Full, text, mask, ones(batch));
            var loss = nn.functional.mse_loss(prediction, noise).add(Scalars.Times(0.1, alignment), Scalars.One);
            optimizer.ZeroGrad();
            Backpropagation.Run(loss);
            optimizer.Update(1e-5);
        }, options.Warmup, options.Repeats);
        yield return new BenchFigure($"{name}.step_s", step.MedianMs / 1000, "s", $"median of {step.Runs}");
        yield return new BenchFigure($"{name}.samples_per_s", batch / (step.MedianMs / 1000), "samples/s");
        if (before is { } rss && ProcessMemory.PeakRssBytes is { } peak)
            yield return new BenchFigure($"{name}.peak_rss_mb", peak / 1048576.0, "MiB",
                peakReset ? $"process peak during the steps ({(peak - rss) / 1048576.0:F0} MiB above the resident size before)" : "process peak since start");
    }

    private static void Freeze(UNet2DConditionModel unet)
    {
        unet.eval();
        foreach (var parameter in unet.parameters())
            parameter.requires_grad = false;
    }
}
