namespace Clap2Diffusion.Server.Hubs;

public static class HubExtensions
{
    public static IServiceCollection AddEngineHub(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddHostedService<HubRelay>();
        return services;
    }
}
