using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Tests.Infrastructure;
using TorchSharp;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

/// <summary>
/// An evaluation run on the real pipeline and the demo classifier (generation, the per-case measuring batch, the
/// alignment and distance scoring) frees every tensor it makes on its own thread, none left to the finaliser.
/// </summary>
public sealed class EvaluationLifetimeTests : IDisposable
{
    private readonly TempFolder folder = new("eval-lifetimes");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void An_evaluation_run_leaves_no_tensor_behind()
    {
        using var generator = new PipelinePairGenerator(
            ClapDiffusionPipeline.Load(new PipelineOptions(EmbeddedModel.Require(null), Target: ComputeTarget.Cpu)), steps: 2);
        using var measures = EvaluationMeasures.Load(Path.Combine(EmbeddedModel.DefaultFolder, "classifier"), null, null, ComputeTarget.Cpu);
        var source = new DemoEvaluationSource(perRelation: 1, seed: 3, limit: 2);
        Clap2Diffusion.Engine.Evaluation.Reports.EvaluationReport Run(string name) =>
            new EvaluationRun(source, generator, measures, new EvaluationSettings(folder.File(name))
            {
                Variants = [PairVariant.TextOnly, PairVariant.Audio],
                Resamples = 20,
                Seed = 3,
                RunName = name,
            }).Execute();
        Run("warm-up");

        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var report = Run("measured");
        var after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.Equal(2, report.Cases.Count);
        Assert.Equal(before, after);
    }

    [Fact]
    public void The_generator_holds_only_the_last_few_clips_however_many_cases_a_run_has()
    {
        using var generator = new PipelinePairGenerator(
            ClapDiffusionPipeline.Load(new PipelineOptions(EmbeddedModel.Require(null), Target: ComputeTarget.Cpu)), steps: 1);
        var source = new DemoEvaluationSource(perRelation: 2, seed: 5);
        var run = new EvaluationRun(source, generator, new EvaluationMeasures(), new EvaluationSettings(folder.File("clips"))
        {
            Variants = [PairVariant.Audio, PairVariant.ShuffledAudio],
            Resamples = 10,
            Seed = 5,
            RunName = "clips",
        });

        var report = run.Execute();

        Assert.Equal(8, report.Cases.Count);
        Assert.Equal(PipelinePairGenerator.ClipsKept, generator.HeldClips.Count());
        Assert.Contains(source.Cases[^1].Id, generator.HeldClips);
    }
}
