using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training;
using Clap2Diffusion.Engine.Training.Metrics;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// One training order on a worker's engine thread: the same <see cref="AdapterTrainer"/> as <c>train</c>, on the
/// worker's own base model and CLAP, writing checkpoints into the run's folder (shared with the front end), and every
/// metric, sample and checkpoint reported to the front end as it happens, retried, never dropped: the front end's
/// charts and its record of the last checkpoint, where another worker resumes, come from these reports.
/// </summary>
public sealed class WorkerTraining(FrontEndClient client, string name, TrainingOrder order, CancellationTokenSource cancellation, TextWriter log)
    : IMetricSink, ITrainingListener
{
    /// <summary>The front end said the attempt no longer holds the run (cancelled, or given to another worker).</summary>
    public bool Lost { get; private set; }

    public TrainingOrder Order => order;

    /// <summary>The front end gave the run up or to another worker: stop within the step, report nothing more.</summary>
    public void Abandon()
    {
        Lost = true;
        cancellation.Cancel();
    }

    /// <summary>Trains to the end; the result to report, or null when the run was lost.</summary>
    public WorkerRunResult? Run(WorkerModelSet models, ComputeTarget target, CancellationToken drain)
    {
        var settings = order.Settings with
        {
            Model = models.Model,
            Clap = models.Clap,
            MixedPrecision = target.DType == ScalarType.Float16 ? "fp16" : "no",
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation.Token, drain);
        long step = 0;
        try
        {
            var outcome = AdapterTrainer.Run(settings, target, this, progress => step = progress.Step, cancellation: stop.Token, listener: this);
            if (!outcome.FrozenUnchanged)
                return Result(RunOutcomes.Failed, outcome.Step, "a frozen network's weights changed during training");
            return Result(outcome.Completed ? RunOutcomes.Completed : RunOutcomes.HandedBack, outcome.Step, null);
        }
        catch (OperationCanceledException) when (Lost || cancellation.IsCancellationRequested)
        {
            log.WriteLine($"serve: run {order.RunId:N} attempt {order.Attempt} stopped: the front end says it is no longer this worker's");
            return null;
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            // Its checkpoints are in the run folder: another worker resumes from the last one.
            return Result(RunOutcomes.HandedBack, step, "the worker stopped before the end");
        }
        catch (InputException exception)
        {
            return Result(RunOutcomes.Failed, step, exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            log.WriteLine($"serve: run {order.RunId:N} failed: {exception}");
            return Result(RunOutcomes.Failed, step, $"The engine worker {name} failed on this run: {exception.Message}");
        }
    }

    public void Write(MetricRecord record) => Report(new WorkerRunReport(name, "", order.Attempt, Metric: record));

    public void SampleWritten(TrainingSample sample) =>
        Report(new WorkerRunReport(name, "", order.Attempt, SampleStep: sample.Step, SamplePng: File.ReadAllBytes(sample.Path), SampleCaption: sample.Caption));

    public void CheckpointWritten(long step, string folder) =>
        Report(new WorkerRunReport(name, "", order.Attempt, CheckpointStep: step, CheckpointFolder: Path.GetFullPath(folder)));

    private void Report(WorkerRunReport report)
    {
        if (Lost)
            return;
        var accepted = WorkerCalls.Retry(() => client.RunReportAsync(order.RunId, report, CancellationToken.None), "report a training step", log);
        if (accepted is true)
            return;
        // Not this attempt's any more (or the front end forgot this worker): stop within the step.
        Abandon();
    }

    private WorkerRunResult Result(string outcome, long step, string? error) => new(name, "", order.Attempt, outcome, step, error);
}
