using System.Text.Json;
using Clap2Diffusion.Server.Engine;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Clap2Diffusion.Server.Health;

/// <summary>Ready when the database is migrated and the backend has described itself.</summary>
public sealed class StudioHealthCheck(EngineState state) : IHealthCheck
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

        return Task.FromResult(state.DatabaseReady && state.Status.Ready
            ? HealthCheckResult.Healthy("ready", data)
            : HealthCheckResult.Unhealthy(state.DatabaseReady ? "engine not ready" : "database not ready", data: data));
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
