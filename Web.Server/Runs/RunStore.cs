using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Runs;

/// <summary>Runs, their metrics and artifacts in SQLite: one short transaction per change.</summary>
public sealed class RunStore(IDbContextFactory<StudioDbContext> contexts, IOptions<RunOptions> options, ILogger<RunStore> logger)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task AddAsync(RunEntity run, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Runs.Add(run);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<RunEntity?> FindAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
    }

    public async Task<List<RunEntity>> ListAsync(RunKind kind, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Runs.AsNoTracking().Where(r => r.Kind == kind).OrderByDescending(r => r.Number).Take(500).ToListAsync(cancellationToken);
    }

    /// <summary>Marks the oldest queued run as running and returns it; null when none waits.</summary>
    public async Task<RunEntity?> TakeNextAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        while (true)
        {
            var next = await db.Runs.AsNoTracking().Where(r => r.State == RunState.Queued).OrderBy(r => r.Number).FirstOrDefaultAsync(cancellationToken);
            if (next is null)
                return null;
            var now = DateTime.UtcNow;
            var taken = await db.Runs.Where(r => r.Id == next.Id && r.State == RunState.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RunState.Running).SetProperty(r => r.StartedAt, r => r.StartedAt ?? now),
                    cancellationToken);
            if (taken == 1)
            {
                next.State = RunState.Running;
                next.StartedAt ??= now;
                return next;
            }
        }
    }

    /// <summary>
    /// Gives a queued run to an engine worker as its next attempt; null when it left the queue meanwhile. The run's
    /// reports and result count only while it is Running under this worker and attempt.
    /// </summary>
    public async Task<RunEntity?> AssignAsync(Guid runId, string worker, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = DateTime.UtcNow;
        var taken = await db.Runs.Where(r => r.Id == runId && r.State == RunState.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RunState.Running).SetProperty(r => r.StartedAt, r => r.StartedAt ?? now)
                .SetProperty(r => r.Attempts, r => r.Attempts + 1).SetProperty(r => r.Worker, worker).SetProperty(r => r.Error, (string?)null),
                cancellationToken);
        return taken == 1 ? await db.Runs.AsNoTracking().FirstAsync(r => r.Id == runId, cancellationToken) : null;
    }

    /// <summary>Moves a run only while attempt <paramref name="attempt"/> of <paramref name="worker"/> holds it.</summary>
    public async Task<bool> MoveAttemptAsync(Guid runId, int attempt, string worker, RunState to, string? error, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        DateTime? finished = to is RunState.Completed or RunState.Failed or RunState.Cancelled ? DateTime.UtcNow : null;
        return await db.Runs.Where(r => r.Id == runId && r.State == RunState.Running && r.Attempts == attempt && r.Worker == worker)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, to).SetProperty(r => r.Error, error).SetProperty(r => r.FinishedAt, finished),
                cancellationToken) == 1;
    }

    /// <summary>Notes why a queued run cannot start yet (no worker can take it); cleared when it starts.</summary>
    public async Task SetWaitingAsync(Guid runId, string? reason, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Runs.Where(r => r.Id == runId && r.State == RunState.Queued && r.Error != reason)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Error, reason), cancellationToken);
    }

    /// <summary>Queued and running runs, oldest first.</summary>
    public async Task<List<RunEntity>> ActiveAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Runs.AsNoTracking().Where(r => r.State == RunState.Queued || r.State == RunState.Running).OrderBy(r => r.Number)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Changes the state only from one of <paramref name="from"/>; false when the run was in none of them.</summary>
    public async Task<bool> MoveAsync(Guid runId, RunState[] from, RunState to, string? error, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        DateTime? finished = to is RunState.Completed or RunState.Failed or RunState.Cancelled ? DateTime.UtcNow : null;
        return await db.Runs.Where(r => r.Id == runId && from.Contains(r.State))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, to).SetProperty(r => r.Error, error).SetProperty(r => r.FinishedAt, finished),
                cancellationToken) == 1;
    }

    public async Task YieldedAsync(Guid runId, long step, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Runs.Where(r => r.Id == runId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RunState.Queued).SetProperty(r => r.Step, step)
                .SetProperty(r => r.Yields, r => r.Yields + 1), cancellationToken);
    }

    public async Task CompleteEvaluationAsync(Guid runId, string reportFolder, IReadOnlyDictionary<string, double> summary,
        CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(summary.Where(kv => double.IsFinite(kv.Value)).ToDictionary(), Json);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = DateTime.UtcNow;
        await db.Runs.Where(r => r.Id == runId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RunState.Completed).SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.ReportFolder, reportFolder).SetProperty(r => r.SummaryJson, json), cancellationToken);
    }

    /// <summary>
    /// After a restart, a run still marked running is one the process ended under (a clean stop queues it again
    /// itself). It goes back into the queue, to resume from its last checkpoint, unless the server has now died
    /// <see cref="RunOptions.MaxAttempts"/> times under it: then it may be what brings the server down, and it is
    /// failed with that reason instead of looping at every start.
    /// </summary>
    public async Task RecoverAfterRestartAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var interrupted = await db.Runs.Where(r => r.State == RunState.Running).ToListAsync(cancellationToken);
        var maxAttempts = options.Value.MaxAttempts;
        foreach (var run in interrupted)
        {
            run.Attempts++;
            if (run.Attempts >= maxAttempts)
            {
                run.State = RunState.Failed;
                run.FinishedAt = DateTime.UtcNow;
                run.Error = $"The server stopped {run.Attempts} times while running this run (Training:MaxAttempts is {maxAttempts}), " +
                    "so it was not tried again; it may be what brings the server down.";
                logger.LogError("{Kind} run {RunId} was running when the server stopped, for the {Attempts}th time: marked failed",
                    run.Kind, run.Id, run.Attempts);
            }
            else
            {
                run.State = RunState.Queued;
                logger.LogWarning("{Kind} run {RunId} was running when the server stopped (attempt {Attempts} of {Max}): queued again to resume",
                    run.Kind, run.Id, run.Attempts, maxAttempts);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Stores one metric record (called on the engine thread, so synchronously) and advances the run's step.</summary>
    public void AddMetrics(MetricRecord record, Guid runId, bool advancesStep)
    {
        using var db = contexts.CreateDbContext();
        var time = record.Time.UtcDateTime;
        db.Metrics.AddRange(record.Values.Select(kv => new MetricEntity
        {
            RunId = runId,
            Kind = record.Kind,
            Step = record.Step,
            Name = kv.Key,
            Value = double.IsFinite(kv.Value) ? kv.Value : null,
            Time = time,
        }));
        db.SaveChanges();
        if (advancesStep)
            db.Runs.Where(r => r.Id == runId && r.Step < record.Step).ExecuteUpdate(s => s.SetProperty(r => r.Step, record.Step));
    }

    public void AddArtifact(RunArtifactEntity artifact)
    {
        using var db = contexts.CreateDbContext();
        db.RunArtifacts.Add(artifact);
        db.SaveChanges();
        if (artifact.Kind == RunArtifactKind.Checkpoint)
            db.Runs.Where(r => r.Id == artifact.RunId)
                .ExecuteUpdate(s => s.SetProperty(r => r.LastCheckpoint, artifact.Path).SetProperty(r => r.LastCheckpointStep, artifact.Step));
    }

    public void SetProgress(Guid runId, long step, long total)
    {
        using var db = contexts.CreateDbContext();
        db.Runs.Where(r => r.Id == runId).ExecuteUpdate(s => s.SetProperty(r => r.Step, step).SetProperty(r => r.TotalSteps, total));
    }

    public async Task<List<MetricEntity>> MetricsAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Metrics.AsNoTracking().Where(m => m.RunId == runId).OrderBy(m => m.Name).ThenBy(m => m.Step).ToListAsync(cancellationToken);
    }

    public async Task<List<RunArtifactEntity>> ArtifactsAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.RunArtifacts.AsNoTracking().Where(a => a.RunId == runId).OrderBy(a => a.Step).ThenBy(a => a.Id).ToListAsync(cancellationToken);
    }

    public async Task<List<(RunEntity Run, RunArtifactEntity Checkpoint)>> CheckpointsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await (from artifact in db.RunArtifacts
                          join run in db.Runs on artifact.RunId equals run.Id
                          where artifact.Kind == RunArtifactKind.Checkpoint
                          orderby run.Number descending, artifact.Step descending
                          select new { run, artifact }).AsNoTracking().ToListAsync(cancellationToken);
        return rows.Select(r => (r.run, r.artifact)).ToList();
    }
}
