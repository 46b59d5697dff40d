using System.Text.Json;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Workers;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Health;

/// <summary>
/// Ready when the database is migrated and the backend has described itself. In remote mode it lists the engine
/// workers, and is Degraded (still HTTP 200: the studio takes jobs, which wait) while none is live.
/// </summary>
public sealed class StudioHealthCheck(EngineState state, IOptions<EngineServiceOptions> mode, WorkerRegistry registry, TimeProvider clock) : IHealthCheck
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
        if (mode.Value.IsRemote)
            return Task.FromResult(Remote(data));

        return Task.FromResult(state.DatabaseReady && state.Status.Ready
            ? HealthCheckResult.Healthy("ready", data)
            : HealthCheckResult.Unhealthy(state.DatabaseReady ? "engine not ready" : "database not ready", data: data));
    }

    private HealthCheckResult Remote(Dictionary<string, object> data)
    {
        var now = clock.GetUtcNow();
        var live = registry.Live();
        data["workers"] = live.Select(w => new
        {
            name = w.Name,
            device = w.Engine?.DeviceName ?? w.Device,
            dtype = w.Engine?.Dtype ?? "",
            threads = w.Threads,
            models = new { @base = w.Engine?.ModelHash, clap = w.Engine?.ClapHash, adapters = w.Engine?.AdaptersHash },
            state = w.State,
            job = w.Job,
            heartbeatAgeSeconds = Math.Round((now - w.LastSeen).TotalSeconds, 1),
            version = w.Version,
        }).ToList();
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
