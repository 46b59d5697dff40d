using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Startup;

namespace Clap2Diffusion.Server.DemoWorld;

public static class DemoWorldExtensions
{
    /// <summary>The demo world for the admin console: its dataset, built into the data folder on first use.</summary>
    public static IServiceCollection AddDemoWorld(this IServiceCollection services)
    {
        services.AddSectionOptions<DemoWorldOptions>(DemoWorldOptions.Section);
        services.AddSingleton<DemoWorldEvents>();
        services.AddSingleton<DemoWorldDatasets>();
        services.AddSingleton<IDemoWorld>(provider => provider.GetRequiredService<DemoWorldDatasets>());
        return services;
    }
}
