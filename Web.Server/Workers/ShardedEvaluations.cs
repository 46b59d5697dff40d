using System.Collections.Concurrent;
using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Evaluation.Sharding;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Server.Runs;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// Evaluation runs on engine workers: a run is cut into as many contiguous shards of its cases as there are idle
/// workers of its model set when it starts (each shard is an attempt-fenced piece of work, like a job); each worker
/// writes its shard's images and shard file into the run's folder; when every shard is done the front end merges them
/// exactly (<see cref="EvaluationMerge"/>: FID from summed sufficient statistics, KID from the features, accuracies
/// and CLIP scores from the per-case records) into the report a one-worker run writes. A shard whose worker goes
/// silent is started again elsewhere, in a fresh folder.
/// </summary>
public sealed class ShardedEvaluations(ShardBook book, RunStore runs, RunPaths paths, RunEventBus events, WorkerRegistry registry, FleetModels fleet,
    IOptions<RunOptions> runOptions, IOptions<EvaluationOptions> evaluation, ILogger<ShardedEvaluations> logger)
{
    /// <summary>What <see cref="RunEntity.Worker"/> says of a run split across workers.</summary>
    public const string Sharded = "sharded";

    private readonly ConcurrentDictionary<Guid, Task> _merges = new();
    private readonly ConcurrentDictionary<Guid, int> _caseCounts = new();

    /// <summary>Starts a queued run on the idle workers that can take a shard; while none can, the run's waiting reason says what it needs.</summary>
    public async Task StartAsync(RunEntity run, IReadOnlyList<LiveWorker> live, CancellationToken cancellationToken)
    {
        var settings = Settings(run);
        var able = live.Where(w => CanRun(w, run, settings)).ToList();
        if (able.Count == 0)
        {
            await runs.SetWaitingAsync(run.Id, $"Waiting for an idle engine worker with model set {Required(settings) ?? "(none active yet)"} whose " +
                $"--shared-root holds {string.Join(" and ", Folders(run, settings))}.", cancellationToken);
            return;
        }

        int cases;
        try
        {
            cases = _caseCounts.GetOrAdd(run.Id, _ => EvaluationSources.For(settings.DemoWorld, settings.DatasetFolder, settings.Samples, settings.Seed).Cases.Count);
        }
        catch (InputException error)
        {
            await runs.MoveAsync(run.Id, [RunState.Queued], RunState.Failed, error.Message, cancellationToken);
            events.Publish(new RunEvent(run.Id, RunState.Failed, 0));
            return;
        }

        var count = Math.Min(able.Count, cases);
        if (await runs.AssignAsync(run.Id, Sharded, cancellationToken) is null)
            return;
        var shards = Enumerable.Range(1, count).Select(n =>
        {
            var part = EvaluationShard.Range(n, count, cases);
            return new EvaluationShardState(n, EvaluationShardState.Queued, null, 0, 0, part.CaseIndices.Count);
        }).ToList();
        await book.ChangeAsync(run.Id, _ => shards, cancellationToken);
        runs.SetProgress(run.Id, 0, cases);
        events.Publish(new RunEvent(run.Id, RunState.Running, 0));
        logger.LogInformation("Evaluation run {RunId}: {Cases} cases in {Shards} shards across engine workers", run.Id, cases, count);
        if (await runs.FindAsync(run.Id, cancellationToken) is { State: RunState.Running } started)
            await AdvanceAsync(started, live, true, cancellationToken);
    }

    /// <summary>Restarts the shards of silent workers, gives queued shards to idle workers, and merges once every shard is done.</summary>
    public async Task AdvanceAsync(RunEntity run, IReadOnlyList<LiveWorker> live, bool silenceCounts, CancellationToken cancellationToken)
    {
        var settings = Settings(run);
        var shards = ShardBook.Parse(run.ShardsJson);
        foreach (var shard in shards.Where(s => s.State == EvaluationShardState.Running && silenceCounts && live.All(w => w.Name != s.Worker)))
            await LostAsync(run, shard, cancellationToken);
        foreach (var shard in ShardBook.Parse((await runs.FindAsync(run.Id, cancellationToken))?.ShardsJson)
                     .Where(s => s.State == EvaluationShardState.Queued))
        {
            if (live.FirstOrDefault(w => CanRun(w, run, settings)) is not { } worker)
                break;
            await GiveAsync(run, settings, shard, worker, cancellationToken);
        }

        var now = ShardBook.Parse((await runs.FindAsync(run.Id, cancellationToken))?.ShardsJson);
        if (now.Count > 0 && now.All(s => s.State == EvaluationShardState.Done))
            // Once per run, off the assigner's loop: a large run's KID and report take a while.
            _ = _merges.GetOrAdd(run.Id, _ => Task.Run(() => MergeAsync(run.Id, now)));
    }

    /// <summary>Whether the shard a worker reports working on is no longer its own.</summary>
    public async Task<bool> LostAsync(LiveWorker worker, Guid runId, CancellationToken cancellationToken)
    {
        if (worker.Evaluation is not { } order || order.RunId != runId)
            return true;
        var run = await runs.FindAsync(runId, cancellationToken);
        return run is not { State: RunState.Running } || !ShardBook.Parse(run.ShardsJson).Any(s => Holds(s, worker.Name, order));
    }

    public async Task<ResultReceipt> ReportAsync(LiveWorker worker, Guid runId, WorkerRunReport report, CancellationToken cancellationToken)
    {
        if (worker.Evaluation is not { } order || order.RunId != runId || order.Shard != report.Shard || order.Attempt != report.Attempt)
            return new ResultReceipt(false, "this worker holds no such shard");
        var (changed, shards) = await book.ChangeShardAsync(runId, order.Shard, s => Holds(s, worker.Name, order),
            s => s with { CasesDone = Math.Min(report.Done ?? s.CasesDone, s.Cases) }, cancellationToken);
        if (!changed)
            return new ResultReceipt(false, $"attempt {report.Attempt} no longer holds shard {order.Shard}");
        if (await runs.FindAsync(runId, cancellationToken) is { State: RunState.Running } run)
            new RunReporter(run, runs, paths, events, runOptions.Value.Exclusive).Progress(shards.Sum(s => s.CasesDone), shards.Sum(s => s.Cases));
        return new ResultReceipt(true, null);
    }

    public async Task<ResultReceipt> ResultAsync(LiveWorker worker, Guid runId, WorkerRunResult result, CancellationToken cancellationToken)
    {
        if (worker.Evaluation is not { } order || order.RunId != runId || order.Shard != result.Shard || order.Attempt != result.Attempt)
            return new ResultReceipt(false, "this worker holds no such shard");
        worker.Evaluation = null;
        var run = await runs.FindAsync(runId, cancellationToken);
        if (run is not { State: RunState.Running })
            return new ResultReceipt(false, "the run is no longer running");
        if (result.Outcome == RunOutcomes.Failed)
        {
            await runs.MoveAsync(runId, [RunState.Running], RunState.Failed, $"Shard {order.Shard} of {order.Shards} failed on {worker.Name}: {result.Error}",
                cancellationToken);
            events.Publish(new RunEvent(runId, RunState.Failed, run.Step));
            return new ResultReceipt(true, null);
        }

        var done = result.Outcome == RunOutcomes.Completed;
        if (done && !File.Exists(order.ShardFile))
            return new ResultReceipt(false, $"the shard file {order.ShardFile} is not where the front end reads it (is the run folder shared?)");
        var (changed, _) = await book.ChangeShardAsync(runId, order.Shard, s => Holds(s, worker.Name, order),
            s => done ? s with { State = EvaluationShardState.Done, CasesDone = s.Cases } : s with { State = EvaluationShardState.Queued, Worker = null, CasesDone = 0 },
            cancellationToken);
        logger.LogInformation("Evaluation run {RunId}: shard {Shard}/{Shards} attempt {Attempt} on {Worker}: {Outcome}", runId, order.Shard, order.Shards,
            order.Attempt, worker.Name, result.Outcome);
        return changed ? new ResultReceipt(true, null) : new ResultReceipt(false, $"attempt {order.Attempt} no longer holds shard {order.Shard}");
    }

    private async Task GiveAsync(RunEntity run, EvaluationRunSettings settings, EvaluationShardState shard, LiveWorker worker,
        CancellationToken cancellationToken)
    {
        var attempt = shard.Attempts + 1;
        var order = new EvaluationOrder(run.Id, shard.Number, ShardBook.Parse(run.ShardsJson).Count, attempt, run.Id.ToString("N"), settings.DemoWorld,
            settings.DatasetFolder, settings.Samples, settings.Seed, settings.Steps, NullIfEmpty(settings.AdapterFolder),
            NullIfEmpty(evaluation.Value.ClipFolder), NullIfEmpty(evaluation.Value.FidWeights),
            Path.Combine(paths.RunFolder(run.Id), "shards", $"{shard.Number}-{attempt}"));
        // Marked first, so no job is released to the worker meanwhile.
        worker.Evaluation = order;
        var (changed, _) = await book.ChangeShardAsync(run.Id, shard.Number, s => s.State == EvaluationShardState.Queued && s.Attempts == shard.Attempts,
            s => s with { State = EvaluationShardState.Running, Worker = worker.Name, Attempts = attempt, CasesDone = 0 }, cancellationToken);
        if (!changed)
        {
            worker.Evaluation = null;
            return;
        }
        logger.LogInformation("Evaluation run {RunId}: shard {Shard}/{Shards} attempt {Attempt} goes to {Worker}", run.Id, order.Shard, order.Shards, attempt,
            worker.Name);
    }

    private async Task LostAsync(RunEntity run, EvaluationShardState shard, CancellationToken cancellationToken)
    {
        if (shard.Attempts >= runOptions.Value.MaxAttempts)
        {
            var reason = $"Engine workers were lost {shard.Attempts} times while running shard {shard.Number} (Training:MaxAttempts is " +
                $"{runOptions.Value.MaxAttempts}), so it was not tried again.";
            if (await runs.MoveAsync(run.Id, [RunState.Running], RunState.Failed, reason, cancellationToken))
                events.Publish(new RunEvent(run.Id, RunState.Failed, run.Step));
            return;
        }

        var (changed, _) = await book.ChangeShardAsync(run.Id, shard.Number, s => s.State == EvaluationShardState.Running && s.Attempts == shard.Attempts,
            s => s with { State = EvaluationShardState.Queued, Worker = null, CasesDone = 0 }, cancellationToken);
        if (changed)
            logger.LogWarning("Evaluation run {RunId}: the worker of shard {Shard} ({Worker}) was lost; the shard starts again", run.Id, shard.Number, shard.Worker);
    }

    private async Task MergeAsync(Guid runId, IReadOnlyList<EvaluationShardState> shards)
    {
        try
        {
            var folder = paths.ReportFolder(runId);
            Directory.CreateDirectory(folder);
            var inputs = shards.Select(s => EvaluationShardFile.Read(Path.Combine(paths.RunFolder(runId), "shards", $"{s.Number}-{s.Attempts}",
                EvaluationOrder.ShardFileName))).ToList();
            var run = (await runs.FindAsync(runId, CancellationToken.None))!;
            var reporter = new RunReporter(run, runs, paths, events, runOptions.Value.Exclusive);
            var step = inputs[0].Result.Header.Step;
            EvaluationReport report;
            using (var jsonl = new JsonlMetricSink(Path.Combine(folder, "metrics.jsonl")))
                report = EvaluationMerge.Merge(inputs, folder, new CompositeMetricSink(jsonl, reporter));
            await runs.CompleteEvaluationAsync(runId, Path.GetFullPath(folder), EngineEvaluationBackend.Headline(EvaluationMetrics.Record(report, step).Values),
                CancellationToken.None);
            events.Publish(new RunEvent(runId, RunState.Completed, run.TotalSteps));
            events.SetCurrent(null);
            logger.LogInformation("Evaluation run {RunId}: {Shards} shards merged into {Folder}", runId, shards.Count, folder);
        }
        catch (Exception exception) when (exception is InputException or IOException or InvalidDataException or JsonException)
        {
            logger.LogError(exception, "Evaluation run {RunId}: its shards could not be merged", runId);
            await runs.MoveAsync(runId, [RunState.Running], RunState.Failed, $"The shards could not be merged: {exception.Message}", CancellationToken.None);
            events.Publish(new RunEvent(runId, RunState.Failed, 0));
        }
        finally
        {
            _caseCounts.TryRemove(runId, out _);
        }
    }

    private bool CanRun(LiveWorker worker, RunEntity run, EvaluationRunSettings settings) =>
        worker.State == WorkerStates.Idle && !registry.IsPaused(worker.Name) && worker.Training is null && worker.Evaluation is null
        && worker.Engine is { } engine
        && (settings.AdapterFolder is { Length: > 0 }
            ? fleet.Active is { } active && engine.ModelHash == fleet.Describe(active)?.ModelHash
            : engine.ModelSet == Required(settings))
        && Folders(run, settings).All(folder => worker.SharedRoots.Any(root => FolderGuard.IsUnder(folder, root)));

    private string? Required(EvaluationRunSettings settings) => settings.AdapterFolder is { Length: > 0 } ? null : fleet.Active;

    private IReadOnlyList<string> Folders(RunEntity run, EvaluationRunSettings settings) =>
        new[]
        {
            paths.RunFolder(run.Id), settings.DemoWorld ? null : settings.DatasetFolder, NullIfEmpty(settings.AdapterFolder),
            NullIfEmpty(evaluation.Value.ClipFolder), NullIfEmpty(evaluation.Value.FidWeights),
        }.OfType<string>().Select(Path.GetFullPath).ToList();

    private static bool Holds(EvaluationShardState shard, string worker, EvaluationOrder order) =>
        shard.Number == order.Shard && shard.State == EvaluationShardState.Running && shard.Worker == worker && shard.Attempts == order.Attempt;

    private static EvaluationRunSettings Settings(RunEntity run) => JsonSerializer.Deserialize<EvaluationRunSettings>(run.SettingsJson, RunStore.Json)!;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
