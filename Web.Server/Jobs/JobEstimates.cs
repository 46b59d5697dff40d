using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Workers;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>
/// How long a job would run, and how long the jobs ahead of it still need, from the backend's own estimates. With
/// engine workers, the jobs ahead are those for the same model set, shared among the live workers that hold it.
/// </summary>
public sealed class JobEstimates(JobStore store, EngineState engine, IGenerationBackend backend, ProgressBoard board, WorkerAvailability workers,
    FleetModels fleet)
{
    public async Task<RunEstimate> EstimateAsync(GenerationSettings settings, JobKind kind, CancellationToken cancellationToken,
        string? modelSet = null)
    {
        if (!engine.Status.Ready)
            return new RunEstimate(TimeSpan.Zero, TimeSpan.Zero, 0);
        var set = modelSet ?? fleet.Active;
        var line = (await store.WaitingLineAsync(cancellationToken)).Where(j => (j.ModelSet ?? fleet.Active) == set).ToList();
        var wait = TimeSpan.Zero;
        foreach (var job in line)
        {
            var estimate = backend.Estimate(JobMapper.Settings(job), job.Kind);
            if (job.State == JobState.Running && board.Latest(job.Id) is { } progress)
                estimate -= TimeSpan.FromMilliseconds(progress.ElapsedMs);
            wait += estimate > TimeSpan.Zero ? estimate : TimeSpan.Zero;
        }

        var engines = Math.Max(1, workers.Engines(set));
        return new RunEstimate(backend.Estimate(settings, kind), wait / engines, line.Count);
    }
}
