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
    private volatile BackendInfo? _backend;

    public static string AppVersion { get; } =
        typeof(EngineState).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(EngineState).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public bool DatabaseReady { get; private set; }

    public EngineStatus Status => _status is { Info: { } info } status && loras.Configured
        ? status with { Info = info with { Loras = loras.Names } }
        : _status ?? new(false, "The engine is starting.", null, AppVersion, storage.Value.MaxAudioSeconds);

    public BackendInfo? Backend => _backend;

    public void MarkDatabaseReady() => DatabaseReady = true;

    public void MarkUnavailable(string problem) => _status = new(false, problem, null, AppVersion, storage.Value.MaxAudioSeconds);

    public void MarkReady(BackendInfo backend)
    {
        _backend = backend;
        _status = new(true, null, Capped(backend, options.Value), AppVersion, storage.Value.MaxAudioSeconds);
    }

    private static EngineInfo Capped(BackendInfo backend, QueueOptions caps)
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

        return new EngineInfo(backend.ModelName, backend.ModelHash, backend.AdapterHash, backend.Device,
            backend.AudioConditioningAvailable, backend.KnownWords, backend.SafetyCheckerActive, backend.Schedulers,
            defaults, limits);
    }
}
