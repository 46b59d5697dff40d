using Clap2Diffusion.Engine.Serving;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// The front end's connection to the workers' Redis (remote mode), made on first use and kept: StackExchange.Redis
/// reconnects by itself, so a Redis restart shows as failed calls for a while, never as a dead front end.
/// </summary>
public sealed class WorkRedis(IOptions<RedisOptions> options) : IAsyncDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _connection = new(() =>
    {
        var configuration = ConfigurationOptions.Parse(options.Value.Configuration!);
        configuration.AbortOnConnectFail = false;
        configuration.ClientName = "c2d-front-end";
        return ConnectionMultiplexer.Connect(configuration);
    });

    public IDatabase Database => _connection.Value.GetDatabase();

    /// <summary>Creates a set's stream and its consumer group unless they exist (a fresh or restarted Redis has neither).</summary>
    public Task EnsureGroupAsync(string modelSet) => WorkStream.EnsureGroupAsync(Database, WorkStream.Key(modelSet));

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
            await _connection.Value.DisposeAsync();
    }
}
