using System.Text.Json.Serialization;
using Clap2Diffusion.Server.Persistence;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Api;

public static class ApiExtensions
{
    /// <summary>JSON with enum names, and the OpenAPI document at <c>/openapi/v1.json</c>.</summary>
    public static IServiceCollection AddStudioApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddProblemDetails();
        services.AddOpenApi();
        return services;
    }

    public static IEndpointRouteBuilder MapStudioApi(this IEndpointRouteBuilder app)
    {
        var storage = app.ServiceProvider.GetRequiredService<IOptions<StorageOptions>>().Value;
        // A job may carry a clip and an image to edit, besides a few form fields.
        var maxBody = storage.MaxAudioBytes + storage.MaxImageBytes + 1_000_000;
        app.MapGroup("/api").WithTags("Studio").MapClientEndpoints().MapJobEndpoints(maxBody).MapAdminQueueEndpoints().MapUploadEndpoints(maxBody).MapGalleryEndpoints();
        app.MapMediaEndpoints();
        app.MapOpenApi();
        return app;
    }
}
