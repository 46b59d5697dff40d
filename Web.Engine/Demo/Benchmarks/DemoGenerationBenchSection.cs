using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Demo.Benchmarks;

/// <summary>
/// <c>demo</c>: one 64x64 image from the embedded demo model at 25 steps, warm: CLAP feature extraction and
/// embedding, the hybrid audio tokens and three UNet rows per step (unconditional, text, text + audio) included;
/// also the text-only image and a full pair for comparison.
/// </summary>
public sealed class DemoGenerationBenchSection : IBenchSection
{
    public string Name => "demo";

    public string Description => "embedded demo model: 64x64, 25 steps, audio-conditioned with dual guidance, warm";

    public IReadOnlyList<BenchFigure> Run(BenchOptions options, TextWriter log)
    {
        log.WriteLine("demo: loading the embedded demo model");
        using var pipeline = ClapDiffusionPipeline.Load(new PipelineOptions(EmbeddedModel.Require(null)));
        var scene = new DemoScene("star", "blue", "bell", "engine", "rain");
        var clip = AudioClip.FromSamples(SceneSynthesizer.Synthesize(scene, new SeededRandom((ulong)options.Seed), 48000, 10), 48000);
        var request = new GenerationRequest
        {
            Settings = pipeline.Defaults with { Prompt = "a blue star", Steps = 25, Seed = options.Seed, Width = 64, Height = 64 },
            Audio = new AudioInput(clip, "bench.wav"),
        };
        log.WriteLine($"demo: {options.Warmup} warm-up + {options.Repeats} timed generations of each kind");
        var audio = Timing.Measure(() => pipeline.Generate(request), options.Warmup, options.Repeats);
        var textOnly = Timing.Measure(() => pipeline.Generate(request with { Audio = null }), options.Warmup, options.Repeats);
        var pair = Timing.Measure(() => pipeline.Generate(request with { Pair = true }), options.Warmup, options.Repeats);
        return
        [
            new("audio_image_s", audio.MedianMs / 1000, "s", $"median of {audio.Runs}; target under 2 s on 2 CPU cores"),
            new("text_only_image_s", textOnly.MedianMs / 1000, "s", $"median of {textOnly.Runs}"),
            new("pair_s", pair.MedianMs / 1000, "s", "audio image plus same-seed text-only baseline"),
            new("threads", TorchSharp.torch.get_num_threads(), "", "LibTorch intra-op threads"),
        ];
    }
}
