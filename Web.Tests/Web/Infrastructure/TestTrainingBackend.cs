using System.Collections.Concurrent;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Server.Engine;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>
/// A deterministic stand-in for the trainer. A dataset is usable for every <c>.wav</c> in it (other files are
/// skipped, with a reason). Each step sleeps <see cref="StepDelay"/>, reports the trainer's metric names,
/// a sample every <c>SamplesEvery</c> steps and a checkpoint folder every <c>CheckpointEvery</c> steps; at a
/// step boundary where the server asks it to yield, it checkpoints and returns.
/// </summary>
public sealed class TestTrainingBackend : ITrainingBackend
{
    public TimeSpan StepDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Steps wait here while it is reset.</summary>
    public ManualResetEventSlim Gate { get; } = new(true);

    /// <summary>Where each call to <see cref="Run"/> started: (run, checkpoint folder or null, start step).</summary>
    public ConcurrentQueue<(Guid RunId, string? ResumeFrom, long StartStep)> Starts { get; } = new();

    public ConcurrentBag<string?> Threads { get; } = [];

    /// <summary>Steps reported as the trainer reports a skipped non-finite step: a NaN loss and the skip flag set.</summary>
    public HashSet<long> NonFiniteAt { get; set; } = [];

    public DatasetValidation Validate(TrainingSettings settings)
    {
        var files = Directory.EnumerateFiles(settings.DatasetFolder).Order(StringComparer.Ordinal).ToList();
        var usable = files.Count(f => f.EndsWith(".wav", StringComparison.Ordinal));
        var skipped = files.Where(f => !f.EndsWith(".wav", StringComparison.Ordinal))
            .Select(f => new SkippedFile(Path.GetFileName(f), "not a WAV clip")).ToList();
        return new DatasetValidation(usable, skipped, usable == 0 ? ["The folder holds no clips."] : []);
    }

    public TrainingRunOutcome Run(TrainingWork work, ITrainingReporter reporter, Func<bool> shouldYield, CancellationToken cancellationToken)
    {
        Starts.Enqueue((work.RunId, work.ResumeFrom, work.StartStep));
        Threads.Add(Thread.CurrentThread.Name);
        if (work.ResumeFrom is { } resume && !File.Exists(Path.Combine(resume, "adapters.safetensors")))
            throw new InputException($"The checkpoint {resume} has no adapters.safetensors.");
        var settings = work.Settings;
        for (var step = work.StartStep + 1; step <= settings.Steps; step++)
        {
            Gate.Wait(cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            Thread.Sleep(StepDelay);
            var metrics = Metrics(step, settings);
            if (NonFiniteAt.Contains(step))
                (metrics["loss/total"], metrics["steps/non_finite"]) = (double.NaN, 1);
            reporter.Write(new MetricRecord(work.RunId.ToString("N"), MetricRecord.TrainingKind, step, DateTimeOffset.UtcNow, metrics));
            if (step % settings.SamplesEvery == 0)
                reporter.Sample(step, TinyPng.Solid(8, (byte)(step % 256), 80, 160), $"a dog barking, step {step}");
            var due = step % settings.CheckpointEvery == 0 || step == settings.Steps;
            if (due)
                Checkpoint(work, reporter, step);
            if (step < settings.Steps && shouldYield())
            {
                if (!due)
                    Checkpoint(work, reporter, step);
                return new TrainingRunOutcome(TrainingRunEnd.Yielded, step);
            }
        }

        return new TrainingRunOutcome(TrainingRunEnd.Completed, settings.Steps);
    }

    private static Dictionary<string, double> Metrics(long step, TrainingSettings settings) => new()
    {
        ["loss/total"] = 1.0 / step,
        ["loss/diffusion"] = 0.8 / step,
        ["loss/align"] = 0.2 / step,
        ["lr"] = settings.LearningRate * Math.Min(1, step / (double)Math.Max(1, settings.WarmupSteps)),
        ["grad_norm"] = 2.0 / Math.Sqrt(step),
        ["gate/down_blocks.0.attentions.0.transformer_blocks.0"] = Math.Tanh(step / 10.0),
        ["gate/up_blocks.1.attentions.2.transformer_blocks.0"] = Math.Tanh(step / 20.0),
        ["hierarchy/foreground"] = 0.5,
        ["hierarchy/background"] = 0.3,
        ["hierarchy/ambience"] = 0.2,
        ["time/step_ms"] = 5,
        ["steps/non_finite"] = 0,
    };

    private static void Checkpoint(TrainingWork work, ITrainingReporter reporter, long step)
    {
        var folder = Path.Combine(work.OutputFolder, "checkpoints", $"step-{step:D6}");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "adapters.safetensors"), [1, 2, 3, 4]);
        reporter.Checkpoint(step, folder);
    }
}
