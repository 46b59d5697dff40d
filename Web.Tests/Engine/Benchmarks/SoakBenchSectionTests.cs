using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Engine.Demo.Benchmarks;

namespace Clap2Diffusion.Tests.Engine.Benchmarks;

/// <summary>A short soak: a few units of each phase on the embedded demo model, the same code the full soak runs.</summary>
[Collection(ProcessTensorCountCollection.Name)]
public sealed class SoakBenchSectionTests
{
    [Fact]
    public void A_short_soak_trains_generates_and_evaluates_with_finite_losses_and_reports_tensors_and_memory_per_phase()
    {
        var log = new StringWriter();

        var figures = new SoakBenchSection(new SoakPlan(TrainingSteps: 6, Generations: 3, EvaluationPairs: 2, DenoisingSteps: 2))
            .Run(new BenchOptions(Seed: 7), log)
            .ToDictionary(f => f.Name, f => f.Value);

        var all = string.Join("; ", figures.Select(f => $"{f.Key}={f.Value}"));
        foreach (var (phase, units) in new[] { ("training", 6), ("generation", 3), ("evaluation", 2) })
        {
            Assert.Equal(units, figures[$"{phase}.units"]);
            Assert.True(figures[$"{phase}.non_finite"] == 0, $"{phase}: {all}");
            Assert.Contains($"{phase}.live_tensors_left", figures.Keys);
            Assert.True(figures[$"{phase}.finalised_tensors"] == 0, $"{phase}: {all}");
            Assert.True(figures[$"{phase}.rss_100pct_mb"] > 0, all);
        }
        // Training holds nothing new after its first step (its guard test checks the same on the trainer alone).
        Assert.True(figures["training.units_off_baseline"] == 0, all);
        Assert.Contains("soak: training 6/6", log.ToString());
    }

    [Fact]
    public void A_plan_without_work_in_a_phase_is_refused()
    {
        var error = Assert.Throws<InputException>(() => new SoakBenchSection(new SoakPlan(Generations: 0)).Run(new BenchOptions(), TextWriter.Null));

        Assert.Contains("soak", error.Message);
    }
}
