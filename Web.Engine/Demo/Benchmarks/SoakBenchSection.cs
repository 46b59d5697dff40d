using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Engine.Demo.Build;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training;
using Clap2Diffusion.Engine.Training.Metrics;
using TorchSharp;

namespace Clap2Diffusion.Engine.Demo.Benchmarks;

/// <summary>
/// <c>soak</c>: the engine's long-run health in one process, phase after phase: demo adapter training, demo
/// generations with audio, then an evaluation of audio / text-only pairs. Each phase reports its non-finite
/// losses, whether this thread's live tensor count came back to its baseline after every unit of work and after
/// the phase, and the resident memory at 10% and at 100% of the phase (growth above 5% means a leak). A
/// failure of any of these is printed as a figure, not thrown, so one run shows every phase.
/// </summary>
public sealed class SoakBenchSection(SoakPlan? plan = null) : IBenchSection
{
    private readonly SoakPlan plan = plan ?? new SoakPlan();

    public string Name => "soak";

    public string Description =>
        $"one process: {plan.TrainingSteps} demo training steps, {plan.Generations} demo generations with audio, {plan.EvaluationPairs} evaluation pairs";

    public IReadOnlyList<BenchFigure> Run(BenchOptions options, TextWriter log)
    {
        plan.Validate();
        var model = EmbeddedModel.Require(null);
        var work = Path.Combine(Path.GetTempPath(), $"c2d-soak-{Guid.NewGuid():N}");
        var figures = new List<BenchFigure>();
        try
        {
            figures.AddRange(Train(model, work, options, log));
            figures.AddRange(Generate(model, options, log));
            figures.AddRange(Evaluate(model, work, options, log));
        }
        finally
        {
            if (Directory.Exists(work))
                Directory.Delete(work, recursive: true);
        }
        return figures;
    }

    private IEnumerable<BenchFigure> Train(string model, string work, BenchOptions options, TextWriter log)
    {
        var dataset = Path.Combine(work, "world");
        log.WriteLine("soak: writing a 32-clip demo-world dataset");
        WorldDatasetWriter.Write(dataset, new Dictionary<string, int> { ["train"] = 32 }, (ulong)options.Seed,
            DemoArchitecture.ClapFeatures().SamplingRate, 10, DemoArchitecture.ImageSize);
        var phase = new SoakPhase("training", plan.TrainingSteps);
        var sink = new NonFiniteCounter();
        var settings = new AdapterTrainingSettings
        {
            Dataset = dataset,
            Model = model,
            Output = Path.Combine(work, "run"),
            Steps = plan.TrainingSteps,
            BatchSize = 4,
            LearningRate = 1e-4,
            WarmupSteps = 10,
            CheckpointEvery = Math.Max(1, plan.TrainingSteps / 4),
            SampleEvery = int.MaxValue,
            SamplePairs = 0,
            RandomFlip = false,
            Seed = options.Seed,
        };
        log.WriteLine($"soak: training {plan.TrainingSteps} steps");
        phase.Begin();
        AdapterTrainer.Run(settings, ComputeTarget.Cpu, sink, progress: p =>
        {
            if (p.Phase.StartsWith("stage", StringComparison.Ordinal))
                phase.UnitDone((int)p.Step, log);
        });
        return phase.End(sink.NonFinite, sink.Steps);
    }

    private IEnumerable<BenchFigure> Generate(string model, BenchOptions options, TextWriter log)
    {
        var phase = new SoakPhase("generation", plan.Generations);
        var nonFinite = 0;
        // The phase includes loading and unloading its pipeline, so what they leave to the finaliser counts too.
        phase.Begin();
        using (var pipeline = ClapDiffusionPipeline.Load(new PipelineOptions(model)))
        {
            log.WriteLine($"soak: {plan.Generations} generations with audio at {plan.DenoisingSteps} steps");
            for (var i = 1; i <= plan.Generations; i++)
            {
                var random = new SeededRandom((ulong)options.Seed).Fork((ulong)i);
                var scene = SceneSampler.Sample(random);
                var clip = AudioClip.FromSamples(SceneSynthesizer.Synthesize(scene, random, 48000, 10), 48000);
                var result = pipeline.Generate(new GenerationRequest
                {
                    Settings = pipeline.Defaults with { Prompt = $"a {scene.Color} {scene.Shape}", Seed = options.Seed + i, Steps = plan.DenoisingSteps },
                    Audio = new AudioInput(clip, $"soak-{i}.wav"),
                });
                // A NaN latent decodes to one flat colour: a blank image is how a generation shows a non-finite value.
                var pixels = result.Image.Pixels.AsSpan();
                if (pixels.IndexOfAnyExcept(pixels[0]) < 0)
                    nonFinite++;
                phase.UnitDone(i, log);
            }
        }
        return phase.End(nonFinite, plan.Generations);
    }

    private IEnumerable<BenchFigure> Evaluate(string model, string work, BenchOptions options, TextWriter log)
    {
        var phase = new SoakPhase("evaluation", plan.EvaluationPairs);
        var source = new DemoEvaluationSource(perRelation: Math.Max(1, (plan.EvaluationPairs + 3) / 4), seed: options.Seed, limit: plan.EvaluationPairs);
        phase.Begin();
        var done = 0;
        using (var measures = new EvaluationMeasures())
        using (var generator = new PipelinePairGenerator(ClapDiffusionPipeline.Load(new PipelineOptions(model)), plan.DenoisingSteps))
        {
            var settings = new EvaluationSettings(Path.Combine(work, "evaluation"))
            {
                RunName = "soak", Variants = [PairVariant.Audio, PairVariant.TextOnly], Seed = options.Seed, Resamples = 100,
            };
            log.WriteLine($"soak: evaluating {source.Cases.Count} audio / text-only pairs");
            new EvaluationRun(source, generator, measures, settings).Execute(new Progress(report =>
            {
                // Synchronous progress: reported on this (the engine) thread after each image; a pair is two images.
                if (report.Stage == "generating" && report.Done % 2 == 0 && report.Done / 2 > done)
                    phase.UnitDone(done = report.Done / 2, log);
            }));
        }
        return phase.End(0, done);
    }

    private sealed class Progress(Action<EvaluationProgress> report) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => report(value);
    }

    /// <summary>Counts training steps and those whose total loss was not finite.</summary>
    private sealed class NonFiniteCounter : IMetricSink
    {
        public int Steps { get; private set; }

        public int NonFinite { get; private set; }

        public void Write(MetricRecord record)
        {
            if (record.Kind != MetricRecord.TrainingKind)
                return;
            Steps++;
            if (!double.IsFinite(record.Values["loss/total"]))
                NonFinite++;
        }
    }
}
