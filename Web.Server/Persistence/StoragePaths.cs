using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Persistence;

/// <summary>The absolute locations derived from <see cref="StorageOptions.DataFolder"/>.</summary>
public sealed class StoragePaths(IOptions<StorageOptions> options, IHostEnvironment environment)
{
    public string DataFolder { get; } = Path.GetFullPath(options.Value.DataFolder, environment.ContentRootPath);

    public string Database => Path.Combine(DataFolder, "studio.db");

    public string ContentFolder => Path.Combine(DataFolder, "content");

    /// <summary>The Data Protection key ring, which signs client ids and admin cookies: kept here, they survive a restart.</summary>
    public string KeysFolder => Path.Combine(DataFolder, "keys");

    public string ConnectionString => $"Data Source={Database};Default Timeout=30;Foreign Keys=True";
}
