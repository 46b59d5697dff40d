using System.Text.Json;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Workers;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Health;

/// <summary>
/// Ready when the database is migrated and the backend has described itself. With engine workers (remote and hybrid
/// mode) it lists them and the known model sets, and is Degraded (still HTTP 200: the studio takes jobs, which wait) while none is live.
/// </summary>
public sealed class StudioHealthCheck(EngineState state, IOptions<EngineServiceOptions> mode, WorkerRegistry registry, WorkerConsole workers,
    FleetModels models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["database"] = state.DatabaseReady ? "ready" : "not migrated yet",
            ["engine"] = state.Status.Ready ? "ready" : state.Status.Problem ?? "starting",
            ["version"] = EngineState.AppVersion,
            ["allocator"] = Clap2Diffusion.Engine.Runtime.MemoryAllocator.Current,
            ["oneDnn"] = Clap2Diffusion.Engine.Runtime.OneDnn.Current,
        };
        // "unavailable" until a loaded engine says whether its checker runs (or when it failed to load at all).
        data["safetyChecker"] = state.Backend is { } backend ? backend.SafetyCheckerActive ? "on" : "off" : "unavailable";
        if (state.Backend is { } described)
            data["model"] = described.ModelName;
        data["engineMode"] = mode.Value.Mode;
        if (mode.Value.UsesWorkers)
            return Task.FromResult(Remote(data));

        return Task.FromResult(state.DatabaseReady && state.Status.Ready
            ? HealthCheckResult.Healthy("ready", data)
            : HealthCheckResult.Unhealthy(state.DatabaseReady ? "engine not ready" : "database not ready", data: data));
    }

    private HealthCheckResult Remote(Dictionary<string, object> data)
    {
        var live = registry.Live();
        data["workers"] = workers.Live().Select(w => new
        {
            name = w.Name,
            device = w.Device,
            dtype = w.Dtype,
            threads = w.Threads,
            modelSet = w.ModelSet,
            models = new { @base = w.BaseHash, clap = w.ClapHash, adapters = w.AdaptersHash },
            state = w.State,
            paused = w.Paused,
            job = w.Job,
            jobsDone = w.JobsDone,
            meanSecondsPerJob = w.MeanSecondsPerJob,
            lastError = w.LastError,
            heartbeatAgeSeconds = w.HeartbeatAgeSeconds,
            version = w.Version,
        }).ToList();
        data["activeModelSet"] = models.Active ?? "";
        data["modelSets"] = models.Known.ToDictionary(kv => kv.Key, kv => models.Name(kv.Key));
        if (!state.DatabaseReady)
            return HealthCheckResult.Unhealthy("database not ready", data: data);
        return live.Count > 0 && state.Status.Ready
            ? HealthCheckResult.Healthy("ready", data)
            : HealthCheckResult.Degraded(WorkerAvailability.NoWorker, data: data);
    }

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var entry = report.Entries.Values.FirstOrDefault();
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = entry.Data,
        }));
    }
}
