using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Startup;

namespace Clap2Diffusion.Server.Models;

public static class ModelExtensions
{
    /// <summary>
    /// Model management: the folders models and LoRAs may be chosen from, their scan and check, and the switch
    /// of the active models that the engine worker applies between jobs.
    /// </summary>
    public static IServiceCollection AddModels(this IServiceCollection services)
    {
        services.AddSectionOptions<ModelOptions>(ModelOptions.Section);
        services.AddSingleton<LoraLibrary>();
        services.AddSingleton<ModelRoots>();
        services.AddSingleton<ModelSwitch>();
        services.AddSingleton<IModelManager, EngineModelManager>();
        services.AddSingleton<IModelConsole, ModelConsole>();
        return services;
    }
}
