using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Jobs;
using Microsoft.Net.Http.Headers;

namespace Clap2Diffusion.Server.Api;

/// <summary>Stored files by hash (immutable, so cached for good) and live previews by job and step.</summary>
public static class MediaEndpoints
{
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/media/{hash}.{extension}", (string hash, string extension, string? download, HttpContext context, ContentStore content) =>
            {
                if (!ContentStore.IsHash(hash) || !ContentStore.MediaTypes.TryGetValue(extension, out var mediaType))
                    return Results.NotFound();
                var path = content.PathOf(hash, extension);
                if (!File.Exists(path))
                    return Results.NotFound();
                context.Response.Headers[HeaderNames.CacheControl] = "public, max-age=31536000, immutable";
                var name = download is null ? null : Uploads.SafeFileName.From(download, $"{hash[..12]}.{extension}");
                return Results.File(path, mediaType, name, enableRangeProcessing: true);
            })
            .ExcludeFromDescription();

        app.MapGet("/previews/{jobId:guid}/{step:int}.png", (Guid jobId, int step, HttpContext context, ProgressBoard board) =>
            {
                if (board.Preview(jobId, step) is not { } png)
                    return Results.NotFound();
                context.Response.Headers[HeaderNames.CacheControl] = "private, max-age=60";
                return Results.Bytes(png, "image/png");
            })
            .ExcludeFromDescription();
        return app;
    }
}
