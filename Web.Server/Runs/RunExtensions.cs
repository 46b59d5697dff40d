using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Accounts;
using Clap2Diffusion.Server.Startup;
using Microsoft.Net.Http.Headers;

namespace Clap2Diffusion.Server.Runs;

public static class RunExtensions
{
    /// <summary>
    /// Training and evaluation runs in the engine queue and their SQLite metrics. The engine runs them through
    /// <see cref="Engine.ITrainingBackend"/> and <see cref="Engine.IEvaluationBackend"/>, which AddEngine registers.
    /// </summary>
    public static IServiceCollection AddRuns(this IServiceCollection services)
    {
        services.AddSectionOptions<RunOptions>(RunOptions.Section);
        services.AddSingleton<RunPaths>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<RunEventBus>();
        services.AddSingleton<IEngineActivity>(provider => provider.GetRequiredService<RunEventBus>());
        services.AddSingleton<RunCancellations>();
        services.AddSingleton<GenerationDemand>();
        services.AddSingleton<RunRunner>();
        services.AddSingleton<IRunConsole, RunConsole>();
        return services;
    }

    /// <summary>A run's sample images and report files, for admins: plain file names inside the run's own folders only.</summary>
    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/runs/{id:guid}/{area}/{file}", async (Guid id, string area, string file, HttpContext context, RunStore store,
                RunPaths paths, CancellationToken cancellationToken) =>
            {
                if (!RunPaths.IsPlainFileName(file) || await store.FindAsync(id, cancellationToken) is not { } run)
                    return Results.NotFound();
                var folder = area switch
                {
                    "samples" => paths.SamplesFolder(id),
                    "report" => run.ReportFolder,
                    "charts" => run.ReportFolder is { } report ? Path.Combine(report, RunPaths.ChartsFolder) : null,
                    _ => null,
                };
                if (folder is null)
                    return Results.NotFound();
                var path = Path.Combine(folder, file);
                if (!File.Exists(path))
                    return Results.NotFound();
                context.Response.Headers[HeaderNames.CacheControl] = "private, no-cache";
                var type = Path.GetExtension(file).ToLowerInvariant() switch
                {
                    ".png" => "image/png",
                    ".json" => "application/json",
                    ".md" => "text/markdown; charset=utf-8",
                    _ => "application/octet-stream",
                };
                return Results.File(path, type);
            })
            .RequireAuthorization(AdminClaims.Policy)
            .ExcludeFromDescription();
        return app;
    }
}
