namespace Clap2Diffusion.Server.Hubs;

public static class HubExtensions
{
    /// <summary>The SignalR hub that scripts and other clients follow jobs through, and the relay that feeds it job events.</summary>
    public static IServiceCollection AddEngineHub(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddHostedService<HubRelay>();
        return services;
    }

    public static IEndpointRouteBuilder MapEngineHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<EngineHub>(EngineHub.Path);
        return app;
    }
}
