using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Clap2Diffusion.Server.Workers;

/// <summary>The "Redis" section: how the front end reaches the Redis its workers share (remote mode only).</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379,password=...</c>.</summary>
    public string? Configuration { get; set; }
}

/// <summary>Redis:Configuration must be present and readable when the engine runs remotely.</summary>
public sealed class RedisOptionsValidator(IOptions<EngineServiceOptions> engine) : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        if (!engine.Value.UsesWorkers)
            return ValidateOptionsResult.Success;
        if (string.IsNullOrWhiteSpace(options.Configuration))
            return ValidateOptionsResult.Fail("Redis:Configuration is required when Engine:Mode is remote, e.g. 127.0.0.1:6379.");
        try
        {
            if (ConfigurationOptions.Parse(options.Configuration).EndPoints.Count == 0)
                return ValidateOptionsResult.Fail($"Redis:Configuration '{options.Configuration}' names no server.");
        }
        catch (ArgumentException exception)
        {
            return ValidateOptionsResult.Fail($"Redis:Configuration is not a StackExchange.Redis configuration string: {exception.Message}");
        }

        return ValidateOptionsResult.Success;
    }
}
