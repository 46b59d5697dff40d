using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Clap2Diffusion.Server.Health;

public static class HealthExtensions
{
    public static IServiceCollection AddStudioHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<StudioHealthCheck>("studio");
        return services;
    }

    /// <summary><c>/health</c>: 200 with the checks as JSON when ready, 503 with the reason otherwise.</summary>
    public static IEndpointRouteBuilder MapStudioHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = StudioHealthCheck.WriteAsync });
        return app;
    }
}
