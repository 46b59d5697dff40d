using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Sharding;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// One shard of an evaluation run on a worker's engine thread: the run's whole case list made as every shard makes it,
/// this shard's part generated and measured (<see cref="EvaluationRun.ExecuteShard"/>) on the worker's set, and the
/// shard file written beside its images in the run's folder, where the front end merges the shards exactly.
/// </summary>
public sealed class WorkerEvaluation(FrontEndClient client, string name, EvaluationOrder order, CancellationTokenSource cancellation,
    double contradictoryStrength, TextWriter log)
{
    public EvaluationOrder Order => order;

    public bool Lost { get; private set; }

    public void Abandon()
    {
        Lost = true;
        cancellation.Cancel();
    }

    /// <summary>The result to report, or null when the shard was lost.</summary>
    public WorkerRunResult? Run(WorkerModelSet models, ComputeTarget target, CancellationToken drain)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation.Token, drain);
        try
        {
            var adapters = order.AdapterFolder is { Length: > 0 } chosen ? AdapterTrainer.CheckpointAdapters(chosen) ?? chosen : models.Adapters;
            if (adapters is null)
                throw new InputException($"the worker {name} holds no adapters to evaluate, and the run names none");
            var source = EvaluationSources.For(order.DemoWorld, order.DatasetFolder, order.Samples, order.Seed);
            var shard = EvaluationShard.Range(order.Shard, order.Shards, source.Cases.Count);
            var classifier = Path.Combine(models.Model, EvaluationWorlds.BuiltIn.ClassifierFolderName);
            if (order.DemoWorld && !Directory.Exists(classifier))
                throw new InputException($"The demo world is scored by the demo classifier, and this worker's base model ({models.Model}) has none.");
            using var measures = EvaluationMeasures.Load(Directory.Exists(classifier) ? classifier : null, order.ClipFolder, order.FidWeights, target);
            using var generator = new PipelinePairGenerator(ClapDiffusionPipeline.Load(new PipelineOptions(models.Model, models.Clap, adapters, target,
                Composition: new Composition.CompositionStrategy(contradictoryStrength))), order.Steps);
            var settings = new EvaluationSettings(order.ShardFolder)
            {
                RunName = order.RunName, Seed = order.Seed, Step = AdapterFolder.ReadMetadata(adapters).TrainingStep ?? 0,
            };
            var cases = shard.CaseIndices.Count;
            var progress = new Progress(this, cases);
            var result = new EvaluationRun(source, generator, measures, settings).ExecuteShard(shard, progress, stop.Token);
            EvaluationShardFile.Write(order.ShardFile, result, order.ShardFolder);
            return Result(RunOutcomes.Completed, cases, null);
        }
        catch (OperationCanceledException) when (Lost || cancellation.IsCancellationRequested)
        {
            log.WriteLine($"serve: run {order.RunId:N} shard {order.Shard}/{order.Shards} stopped: the front end says it is no longer this worker's");
            return null;
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            return Result(RunOutcomes.HandedBack, 0, "the worker stopped before the end");
        }
        catch (InputException exception)
        {
            return Result(RunOutcomes.Failed, 0, exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            log.WriteLine($"serve: run {order.RunId:N} shard {order.Shard} failed: {exception}");
            return Result(RunOutcomes.Failed, 0, $"The engine worker {name} failed on this shard: {exception.Message}");
        }
    }

    private void Report(long done, long total)
    {
        if (Lost)
            return;
        var report = new WorkerRunReport(name, "", order.Attempt, Shard: order.Shard, Done: done, Total: total);
        if (WorkerCalls.Retry(() => client.RunReportAsync(order.RunId, report, CancellationToken.None), "report an evaluation's progress", log) is not true)
            Abandon();
    }

    private WorkerRunResult Result(string outcome, long step, string? error) => new(name, "", order.Attempt, outcome, step, error, order.Shard);

    /// <summary>Images generated, told to the front end as cases done, once per case.</summary>
    private sealed class Progress(WorkerEvaluation owner, int cases) : IProgress<EvaluationProgress>
    {
        private long _told = -1;

        public void Report(EvaluationProgress value)
        {
            if (value.Stage != "generating" || value.Total <= 0)
                return;
            var done = value.Done / Math.Max(1, value.Total / cases);
            if (done == _told)
                return;
            _told = done;
            owner.Report(done, cases);
        }
    }
}
