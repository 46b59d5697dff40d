using System.Diagnostics;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Runs;

/// <summary>
/// Whether a generation job is waiting, asked by a training run at every step boundary (on the engine
/// thread). The answer is read from the database at most every 100 ms, so fast steps do not hammer it.
/// </summary>
public sealed class GenerationDemand(IDbContextFactory<StudioDbContext> contexts)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(100);
    private readonly Stopwatch _age = new();
    private bool _waiting;

    public bool AnyWaiting()
    {
        lock (_age)
        {
            if (_age.IsRunning && _age.Elapsed < Freshness)
                return _waiting;
            using var db = contexts.CreateDbContext();
            _waiting = db.Jobs.Any(j => j.State == JobState.Queued);
            _age.Restart();
            return _waiting;
        }
    }
}
