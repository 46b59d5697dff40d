using StackExchange.Redis;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// The Redis names the front end and its engine workers share. The work queue is one stream per model set, each with
/// one consumer group, so a job reaches only workers that hold its set; an entry carries a job id and the release
/// number it was written with, never inputs or results.
/// </summary>
public static class WorkStream
{
    /// <summary>The work stream of one model set (<see cref="ModelSetKey"/>).</summary>
    public static string Key(string modelSet) => $"c2d:jobs:{modelSet}";

    public const string Group = "c2d:engines";

    public const string JobField = "job";

    public const string DispatchField = "dispatch";

    /// <summary>Set by the front end when a running job's owner skips it; the worker running it polls it.</summary>
    public static string SkipKey(Guid jobId) => $"c2d:skip:{jobId:N}";

    /// <summary>How long a skip flag outlives the request: far beyond any job, short enough to leave no litter.</summary>
    public static readonly TimeSpan SkipFlagLifetime = TimeSpan.FromHours(6);

    /// <summary>Creates the stream and its consumer group unless they exist (a fresh or restarted Redis has neither).</summary>
    public static async Task EnsureGroupAsync(IDatabase redis, string key)
    {
        try
        {
            await redis.StreamCreateConsumerGroupAsync(key, Group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // It exists: nothing to do.
        }
    }
}
