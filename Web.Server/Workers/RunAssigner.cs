using System.Collections.Concurrent;
using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Layouts;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Server.Runs;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// When jobs run on engine workers, training runs do too. A queued run goes to one idle worker that holds its base
/// model and whose shared roots hold its dataset and its run folder; until one is live, the run waits and says what
/// it waits for. A run whose worker goes silent past the lease goes back to the queue and resumes from its last
/// checkpoint on the next worker that can read the run's folder (up to <c>Training:MaxAttempts</c> starts).
/// Evaluation runs are split across workers (<see cref="ShardedEvaluations"/>).
/// </summary>
public sealed class RunAssigner(IOptions<EngineServiceOptions> mode, IOptions<RunOptions> runOptions, EngineState state, RunStore runs, RunPaths paths,
    WorkerRegistry registry, FleetModels fleet, ActiveModels models, EngineTrainingBackend trainer, ShardedEvaluations evaluations, RunEventBus events,
    TimeProvider clock, ILogger<RunAssigner> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);

    // A named base model's UNet hash, read once per folder (hashing SD 1.5 takes seconds).
    private readonly ConcurrentDictionary<string, string?> _baseHashes = new(StringComparer.Ordinal);
    private DateTimeOffset _started;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!mode.Value.UsesWorkers)
            return;
        await Task.Yield();
        while (!state.DatabaseReady)
            await Task.Delay(TimeSpan.FromMilliseconds(100), stoppingToken);
        _started = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Assigning training runs to workers failed; trying again");
            }

            try
            {
                await Task.Delay(Every, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        var live = registry.Live();
        var silenceCounts = clock.GetUtcNow() - _started >= mode.Value.Lease;
        foreach (var run in await runs.ActiveAsync(cancellationToken))
        {
            if (run.Kind == RunKind.Evaluation)
            {
                if (run.State == RunState.Queued)
                    await evaluations.StartAsync(run, live, cancellationToken);
                else if (run.Worker == ShardedEvaluations.Sharded)
                    await evaluations.AdvanceAsync(run, live, silenceCounts, cancellationToken);
                live = registry.Live();
            }
            else if (run.State == RunState.Running)
                await CheckAliveAsync(run, live, cancellationToken);
            else
                await AssignAsync(run, live, cancellationToken);
        }
    }

    /// <summary>A run whose worker has gone silent goes back to the queue, to resume from its last checkpoint elsewhere.</summary>
    private async Task CheckAliveAsync(RunEntity run, IReadOnlyList<LiveWorker> live, CancellationToken cancellationToken)
    {
        // Workers say hello again within a lease of a front end restart; until then silence means nothing.
        if (run.Worker is not { } name || live.Any(w => w.Name == name) || clock.GetUtcNow() - _started < mode.Value.Lease)
            return;
        var giveUp = run.Attempts >= runOptions.Value.MaxAttempts;
        var reason = giveUp
            ? $"Engine workers were lost {run.Attempts} times while running this run (Training:MaxAttempts is {runOptions.Value.MaxAttempts}), so it was not tried again."
            : $"Its worker {name} was lost at step {run.Step}; it resumes from {(run.LastCheckpoint is null ? "the start" : $"its checkpoint at step {run.LastCheckpointStep}")}.";
        if (!await runs.MoveAttemptAsync(run.Id, run.Attempts, name, giveUp ? RunState.Failed : RunState.Queued, reason, cancellationToken))
            return;
        logger.LogWarning("Training run {RunId}: {Reason}", run.Id, reason);
        events.Publish(new RunEvent(run.Id, giveUp ? RunState.Failed : RunState.Queued, run.Step));
        events.SetCurrent(null);
    }

    private async Task AssignAsync(RunEntity run, IReadOnlyList<LiveWorker> live, CancellationToken cancellationToken)
    {
        var settings = JsonSerializer.Deserialize<TrainingSettings>(run.SettingsJson, RunStore.Json)!;
        var order = trainer.EngineSettings(settings, models.Current, paths.RunFolder(run.Id), halfPrecision: false,
            run.LastCheckpoint) with { Output = paths.RunFolder(run.Id) };
        var baseHash = BaseHash(settings);
        var folders = new[] { order.Dataset, order.Output, order.Cache, order.InitAdapters }.OfType<string>().Select(Path.GetFullPath).ToList();
        var worker = live.FirstOrDefault(w => w.State == WorkerStates.Idle && !registry.IsPaused(w.Name) && w.Training is null && w.Evaluation is null
            && w.Engine?.ModelHash == baseHash && folders.All(f => w.SharedRoots.Any(root => FolderGuard.IsUnder(f, root))));
        if (worker is null)
        {
            await runs.SetWaitingAsync(run.Id, $"Waiting for an engine worker that holds base model {ModelHash.Short(baseHash ?? "unknown")} and whose " +
                $"--shared-root holds {string.Join(" and ", folders)}.", cancellationToken);
            return;
        }

        // Marked first, so the dispatcher releases no job to the worker while it takes up the run.
        worker.Training = new TrainingOrder(run.Id, run.Attempts + 1, order);
        var assigned = await runs.AssignAsync(run.Id, worker.Name, cancellationToken);
        if (assigned is null)
        {
            worker.Training = null;
            return;
        }

        worker.Training = new TrainingOrder(run.Id, assigned.Attempts, order);
        events.Publish(new RunEvent(run.Id, RunState.Running, run.Step));
        logger.LogInformation("Training run {RunId} attempt {Attempt} goes to {Worker}{Resume}", run.Id, assigned.Attempts, worker.Name,
            run.LastCheckpoint is null ? "" : $", resuming from {run.LastCheckpoint}");
    }

    /// <summary>The UNet hash a run trains on: the named base model's, else the active set's.</summary>
    private string? BaseHash(TrainingSettings settings)
    {
        if (settings.BaseModelFolder is not { } folder)
            return fleet.Active is { } active ? fleet.Describe(active)?.ModelHash : null;
        return _baseHashes.GetOrAdd(folder, f =>
        {
            var unet = Path.Combine(f, "unet");
            return Directory.Exists(unet) ? ModelHash.OfFiles(WeightFiles.Locate(unet, WeightFiles.Diffusers)) : null;
        });
    }
}
