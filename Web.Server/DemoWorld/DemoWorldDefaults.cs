using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.DemoWorld;

/// <summary>
/// Settings for the demo world sized for a CPU. On 2 shared cores the frozen features of 64 clips take about
/// half a minute and a stage-1 step of batch 4 about a second, so the training run ends within a few minutes;
/// the demo build's stage-1 learning rate (5e-4) moves the small adapters visibly in that many steps.
/// </summary>
public static class DemoWorldDefaults
{
    public static TrainingSettings Training { get; } = new()
    {
        Stage = 1,
        Steps = 100,
        LearningRate = 5e-4,
        BatchSize = 4,
        WarmupSteps = 10,
        CheckpointEvery = 50,
        SamplesEvery = 50,
        SampleLimit = 64,
    };

    public static TimeSpan TrainingEstimate { get; } = TimeSpan.FromMinutes(3);

    /// <summary>Eight cases per relation; the demo model's denoising steps take milliseconds.</summary>
    public static EvaluationRunSettings Evaluation { get; } = new() { DemoWorld = true, Samples = 32, Steps = 25 };
}
