using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Gallery;

public static class GalleryExtensions
{
    public static IServiceCollection AddGallery(this IServiceCollection services)
    {
        services.AddSingleton<GalleryStore>();
        services.AddSingleton<IGalleryStore>(provider => provider.GetRequiredService<GalleryStore>());
        return services;
    }
}
