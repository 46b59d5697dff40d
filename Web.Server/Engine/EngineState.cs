using System.Reflection;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Persistence;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Engine;

/// <summary>Whether the database and the backend are ready, and the backend's description with the CPU caps applied.</summary>
public sealed class EngineState(IOptions<QueueOptions> options, IOptions<StorageOptions> storage, Models.LoraLibrary loras)
{
    private volatile EngineStatus? _status;
    private volatile EngineInfo? _backend;

    public static string AppVersion { get; } =
        typeof(EngineState).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(EngineState).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public bool DatabaseReady { get; private set; }

    public EngineStatus Status => _status is { Info: { } info } status && loras.Configured
        ? status with { Info = info with { Loras = loras.Names } }
        : _status ?? new(false, "The engine is starting.", null, AppVersion, storage.Value.MaxAudioSeconds);

    /// <summary>The backend's own description, before the CPU caps.</summary>
    public EngineInfo? Backend => _backend;

    public void MarkDatabaseReady() => DatabaseReady = true;

    public void MarkUnavailable(string problem) => _status = new(false, problem, null, AppVersion, storage.Value.MaxAudioSeconds);

    public void MarkReady(EngineInfo backend)
    {
        _backend = backend;
        _status = new(true, null, Capped(backend, options.Value), AppVersion, storage.Value.MaxAudioSeconds);
    }

    private static EngineInfo Capped(EngineInfo backend, QueueOptions caps)
    {
        var limits = backend.Limits;
        var defaults = backend.Defaults;
        if (backend.IsCpu)
        {
            limits = limits with
            {
                MaxSteps = Math.Min(limits.MaxSteps, caps.CpuMaxSteps),
                MaxSide = Math.Max(limits.MinSide, Math.Min(limits.MaxSide, caps.CpuMaxSide / limits.SideMultiple * limits.SideMultiple)),
            };
            defaults = defaults with
            {
                Steps = Math.Min(defaults.Steps, limits.MaxSteps),
                Width = Math.Min(defaults.Width, limits.MaxSide),
                Height = Math.Min(defaults.Height, limits.MaxSide),
            };
        }

        return backend with { Defaults = defaults, Limits = limits };
    }
}
