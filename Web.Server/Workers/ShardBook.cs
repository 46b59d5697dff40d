using System.Text.Json;
using Clap2Diffusion.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// The shards of evaluation runs, kept in the run's row (the system of record, as for jobs). Every change is a read,
/// a change and a write under one lock, so the assigner and the workers' reports never overwrite each other.
/// </summary>
public sealed class ShardBook(IDbContextFactory<StudioDbContext> contexts)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public static IReadOnlyList<EvaluationShardState> Parse(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<EvaluationShardState>>(json, Json) ?? [];

    /// <summary>
    /// Applies <paramref name="change"/> to the run's shards and stores the result; the change returns null to leave
    /// them as they are. Returns whether it changed them, and the shards as stored after it.
    /// </summary>
    public async Task<(bool Changed, IReadOnlyList<EvaluationShardState> Shards)> ChangeAsync(Guid runId,
        Func<IReadOnlyList<EvaluationShardState>, IReadOnlyList<EvaluationShardState>?> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var run = await db.Runs.FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
            if (run is null)
                return (false, []);
            var shards = Parse(run.ShardsJson);
            if (change(shards) is not { } changed)
                return (false, shards);
            run.ShardsJson = JsonSerializer.Serialize(changed, Json);
            await db.SaveChangesAsync(cancellationToken);
            return (true, changed);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Replaces shard <paramref name="number"/> when <paramref name="applies"/> holds for it.</summary>
    public Task<(bool Changed, IReadOnlyList<EvaluationShardState> Shards)> ChangeShardAsync(Guid runId, int number, Func<EvaluationShardState, bool> applies,
        Func<EvaluationShardState, EvaluationShardState> change, CancellationToken cancellationToken) =>
        ChangeAsync(runId, shards => shards.Any(s => s.Number == number && applies(s))
            ? shards.Select(s => s.Number == number ? change(s) : s).ToList()
            : null, cancellationToken);
}
