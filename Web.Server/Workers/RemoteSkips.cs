using Clap2Diffusion.Engine.Serving;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Workers;

/// <summary>Remote mode's skip: a per-job flag in Redis that the worker running the job polls between steps.</summary>
public sealed class RemoteSkips(IOptions<EngineServiceOptions> options, WorkRedis redis)
{
    /// <summary>Raises the flag; false in in-process mode, where the engine thread's own handle skips.</summary>
    public async Task<bool> RequestAsync(Guid jobId)
    {
        if (!options.Value.UsesWorkers)
            return false;
        await redis.Database.StringSetAsync(WorkStream.SkipKey(jobId), "1", WorkStream.SkipFlagLifetime);
        return true;
    }
}
