using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Server.Gallery;
using Clap2Diffusion.Server.Identity;

namespace Clap2Diffusion.Server.Api;

public static class GalleryEndpoints
{
    public static RouteGroupBuilder MapGalleryEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/gallery", async (HttpContext context, IGalleryStore gallery, string? text, PromptAudioRelation? relation, bool? mine,
                bool? pairs, GallerySort? sort, int? skip, int? take, CancellationToken cancellationToken) =>
                await gallery.QueryAsync(new GalleryQuery(text, relation, mine ?? false, pairs ?? false, sort ?? GallerySort.Newest),
                    context.ClientId(), skip ?? 0, Math.Clamp(take ?? 50, 1, GalleryStore.MaxPageSize), cancellationToken))
            .WithName("QueryGallery").WithSummary("Finished generations, newest first, with search, filters and paging.");

        api.MapDelete("/jobs/{id:guid}", async (Guid id, HttpContext context, IGalleryStore gallery, CancellationToken cancellationToken) =>
                ApiResults.Owner(await gallery.DeleteAsync(context.ClientId(), id, cancellationToken),
                    "A queued or running job cannot be deleted; cancel or skip it first."))
            .WithName("DeleteJob").WithSummary("Delete your finished job with its images, and its audio unless another of your jobs uses it.")
            .AddEndpointFilter<ExplicitClientFilter>();

        api.MapPut("/jobs/{id:guid}/rating", async (Guid id, RatingInput rating, HttpContext context, IGalleryStore gallery,
                CancellationToken cancellationToken) =>
            {
                if (rating.Problem is { } problem)
                    return ApiResults.Problem(StatusCodes.Status400BadRequest, "The rating is not valid", [problem]);
                return await gallery.RateAsync(context.ClientId(), id, rating, cancellationToken) is { } summary
                    ? Results.Ok(summary)
                    : ApiResults.Problem(StatusCodes.Status404NotFound, "No such pair", ["Only a finished pair can be rated."]);
            })
            .WithName("RateJob").WithSummary("Rate a finished pair: did the audio improve it? Optional 1-5 scores.")
            .AddEndpointFilter<ExplicitClientFilter>();
        return api;
    }
}
