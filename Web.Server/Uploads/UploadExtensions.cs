using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clap2Diffusion.Server.Uploads;

public static class UploadExtensions
{
    /// <summary>Upload validation (the engine's decoders) and storage, for clips and for images to edit.</summary>
    public static IServiceCollection AddUploads(this IServiceCollection services)
    {
        services.AddSingleton<IAudioValidator, AudioUploadDecoder>();
        services.AddSingleton<UploadQuotas>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<UploadService>();
        services.AddSingleton<EditImageService>();
        services.AddSingleton<Clap2Diffusion.Client.Contracts.IEditImages>(provider => provider.GetRequiredService<EditImageService>());
        return services;
    }
}
