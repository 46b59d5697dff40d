namespace Clap2Diffusion.Server.Uploads;

public static class UploadExtensions
{
    /// <summary>Upload validation and storage. Point <see cref="IAudioValidator"/> at the engine's decoder once it lands.</summary>
    public static IServiceCollection AddUploads(this IServiceCollection services)
    {
        services.AddSingleton<IAudioValidator, RiffWaveValidator>();
        services.AddSingleton<UploadService>();
        return services;
    }
}
