using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Server.Engine;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>How long a job would run, and how long the jobs ahead of it still need, from the backend's own estimates.</summary>
public sealed class JobEstimates(JobStore store, EngineState engine, IGenerationBackend backend, ProgressBoard board)
{
    public async Task<RunEstimate> EstimateAsync(GenerationSettings settings, JobKind kind, CancellationToken cancellationToken)
    {
        if (!engine.Status.Ready)
            return new RunEstimate(TimeSpan.Zero, TimeSpan.Zero, 0);
        var line = await store.WaitingLineAsync(cancellationToken);
        var wait = TimeSpan.Zero;
        foreach (var job in line)
        {
            var estimate = backend.Estimate(JobMapper.Settings(job), job.Kind);
            if (job.State == JobState.Running && board.Latest(job.Id) is { } progress)
                estimate -= TimeSpan.FromMilliseconds(progress.ElapsedMs);
            wait += estimate > TimeSpan.Zero ? estimate : TimeSpan.Zero;
        }

        return new RunEstimate(backend.Estimate(settings, kind), wait, line.Count);
    }
}
