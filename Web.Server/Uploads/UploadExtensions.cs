namespace Clap2Diffusion.Server.Uploads;

public static class UploadExtensions
{
    /// <summary>Upload validation (the engine's decoder) and storage.</summary>
    public static IServiceCollection AddUploads(this IServiceCollection services)
    {
        services.AddSingleton<IAudioValidator, EngineAudioValidator>();
        services.AddSingleton<UploadService>();
        return services;
    }
}
