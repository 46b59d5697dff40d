using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Study;
using Microsoft.Net.Http.Headers;

namespace Clap2Diffusion.Server.Api;

/// <summary>
/// Stored files by hash and live previews by job and step. A file that became a study's labelled image stops being
/// served to anyone but admins, so it is cached privately and for an hour only, never <c>immutable</c>: whether a
/// hash may be served can change after it was handed out.
/// </summary>
public static class MediaEndpoints
{
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/media/{hash}.{extension}", async (string hash, string extension, string? download, HttpContext context, ContentStore content,
                StudyBlinding blinding, CancellationToken cancellationToken) =>
            {
                if (!ContentStore.IsHash(hash) || !ContentStore.MediaTypes.TryGetValue(extension, out var mediaType))
                    return Results.NotFound();
                var path = content.PathOf(hash, extension);
                if (!File.Exists(path))
                    return Results.NotFound();
                var studyContent = await blinding.IsStudyContentAsync(hash, cancellationToken);
                if (studyContent && !StudyBlinding.IsAdmin(context.User))
                    return Results.NotFound();
                context.Response.Headers[HeaderNames.CacheControl] = studyContent ? "no-store" : "private, max-age=3600";
                var name = download is null ? null : Uploads.SafeFileName.From(download, $"{hash[..12]}.{extension}");
                return Results.File(path, mediaType, name, enableRangeProcessing: true);
            })
            .ExcludeFromDescription();

        app.MapGet("/previews/{jobId:guid}/{step:int}.png", async (Guid jobId, int step, HttpContext context, ProgressBoard board, StudyBlinding blinding,
                CancellationToken cancellationToken) =>
            {
                if (board.Preview(jobId, step) is not { } png || await blinding.HidesJobAsync(jobId, context.User, cancellationToken))
                    return Results.NotFound();
                context.Response.Headers[HeaderNames.CacheControl] = "private, max-age=60";
                return Results.Bytes(png, "image/png");
            })
            .ExcludeFromDescription();
        return app;
    }
}
