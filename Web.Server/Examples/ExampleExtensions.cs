using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Examples;

public static class ExampleExtensions
{
    /// <summary>The studio's example sounds: the demo world's on the demo model, a folder's otherwise.</summary>
    public static IServiceCollection AddExamples(this IServiceCollection services)
    {
        services.AddOptions<ExampleOptions>().BindConfiguration(ExampleOptions.Section).ValidateOnStart()
            .Validate(o => string.IsNullOrWhiteSpace(o.ExamplesFolder) || Directory.Exists(o.ExamplesFolder),
                "Studio:ExamplesFolder names a folder that does not exist; create it or leave the setting empty.");
        services.AddSingleton<ExampleLibrary>();
        services.AddSingleton<IExampleSounds>(provider => provider.GetRequiredService<ExampleLibrary>());
        services.AddHostedService<ExampleWarmUp>();
        services.AddHostedService<ExampleGallerySeeder>();
        return services;
    }

    /// <summary>Plays an example before anyone uses it: <c>/examples/{id}.wav</c>.</summary>
    public static IEndpointRouteBuilder MapExamples(this IEndpointRouteBuilder app)
    {
        app.MapGet("/examples/{id}.wav", (string id, ExampleLibrary library) =>
                library.Bytes(id) is { } bytes ? Results.Bytes(bytes, "audio/wav", enableRangeProcessing: true) : Results.NotFound())
            .ExcludeFromDescription();
        return app;
    }
}
