using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Identity;
using Clap2Diffusion.Server.Network;
using Clap2Diffusion.Server.Study;
using Clap2Diffusion.Server.Uploads;
using Microsoft.AspNetCore.Mvc;

namespace Clap2Diffusion.Server.Api;

/// <summary>The HTTP API for scripts: the same queue, limits and validation as the studio page.</summary>
public static class JobEndpoints
{
    public static RouteGroupBuilder MapJobEndpoints(this RouteGroupBuilder api, long maxBodyBytes)
    {
        api.MapGet("/engine", (IJobQueue queue) => queue.Status)
            .WithName("GetEngine").WithSummary("Whether the engine is ready, the active model, its defaults and limits.");

        api.MapPost("/estimate", async (EstimateRequest request, IJobQueue queue, CancellationToken cancellationToken) =>
            {
                var estimate = await queue.EstimateAsync(request.Settings, request.Kind, cancellationToken);
                return new EstimateResponse(estimate.Run.TotalSeconds, estimate.Wait.TotalSeconds, estimate.JobsAhead);
            })
            .WithName("EstimateJob").WithSummary("Estimated run time of a job with these settings, and the wait behind the queue.");

        api.MapPost("/jobs", SubmitAsync)
            .WithName("SubmitJob")
            .WithSummary("Queue a job (multipart: prompt, settings, optionally a clip as 'audio' or 'audioUploadId' for a pair, " +
                "and a PNG or JPEG as 'initImage' with 'strength' in (0, 1] to edit it).")
            .Accepts<SubmitJobForm>("multipart/form-data")
            .Produces<SubmitResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithMetadata(new RequestSizeLimitAttribute(maxBodyBytes))
            .AddEndpointFilter<ExplicitClientFilter>()
            .LimitPerAddress(AddressLimits.Submissions, "Too many jobs were submitted from your network address in a short time.")
            .DisableAntiforgery();

        api.MapGet("/jobs/{id:guid}", async (Guid id, HttpContext context, IJobQueue queue, StudyBlinding blinding, CancellationToken cancellationToken) =>
                !await blinding.HidesJobAsync(id, context.User, cancellationToken) && await queue.GetAsync(id, context.ClientId(), cancellationToken) is { } status
                    ? Results.Ok(status)
                    : ApiResults.Problem(StatusCodes.Status404NotFound, "No such job", ["There is no job with this id."]))
            .WithName("GetJob").WithSummary("A job's state, queue position, progress, images and timings.")
            .Produces<JobStatus>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/jobs/{id:guid}/images/{role}", GetImageAsync)
            .WithName("GetJobImage")
            .WithSummary("A finished job's PNG, with its parameters embedded: role 'text-only' or 'audio-conditioned'.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png").ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/jobs/{id:guid}/cancel", async (Guid id, HttpContext context, IJobQueue queue, CancellationToken cancellationToken) =>
                ApiResults.Owner(await queue.CancelAsync(context.ClientId(), id, cancellationToken), "Only a queued job can be cancelled."))
            .WithName("CancelJob").WithSummary("Withdraw your queued job.")
            .AddEndpointFilter<ExplicitClientFilter>();

        api.MapPost("/jobs/{id:guid}/skip", async (Guid id, HttpContext context, IJobQueue queue, CancellationToken cancellationToken) =>
                ApiResults.Owner(await queue.SkipAsync(context.ClientId(), id, cancellationToken), "Only a running job can be skipped."))
            .WithName("SkipJob").WithSummary("Stop your running job; the queue moves on.")
            .AddEndpointFilter<ExplicitClientFilter>();

        return api;
    }

    public const string InitImageField = "initImage";

    private static async Task<IResult> SubmitAsync(HttpContext context, IJobQueue queue, UploadService uploads, EditImageService images,
        CancellationToken cancellationToken)
    {
        if (queue.Status is not { Ready: true, Info: { } info })
            return ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, "The engine is not available",
                [queue.Status.Problem ?? "The engine is not ready."]);
        try
        {
            var form = await UploadEndpoints.ReadFormAsync(context.Request, uploads, cancellationToken);
            var problems = new List<string>();
            var settings = SubmitJobForm.ReadSettings(form, info.Defaults with { Prompt = "" }, problems);
            Guid? uploadId = null;
            if (form.TryGetValue("audioUploadId", out var rawId) && rawId.ToString().Length > 0)
            {
                if (Guid.TryParse(rawId.ToString(), out var parsed))
                    uploadId = parsed;
                else
                    problems.Add("'audioUploadId' must be an upload id as returned by POST /api/uploads.");
            }

            var initImage = form.Files.GetFile(InitImageField);
            if (initImage is null && form.ContainsKey("strength"))
                problems.Add($"'strength' is how far an edit moves from its image; send the image to edit as '{InitImageField}' too.");
            if (initImage is not null && problems.Count == 0)
                // The image is cropped to the job's size, so the settings must be valid before it is stored; a placeholder
                // image name makes the check treat them as an edit's (strength included).
                problems.AddRange(info.Limits.Check(settings with { InitImage = "" }, info.Schedulers, info.Loras));

            if (problems.Count > 0)
                return ApiResults.Problem(StatusCodes.Status400BadRequest, "The job is not valid", problems);
            if (initImage is not null)
                settings = settings with { InitImage = (await PrepareAsync(initImage, settings, images, cancellationToken)).Hash };
            if (await UploadEndpoints.SaveAsync(context, form, uploads, cancellationToken) is { } clip)
                uploadId = clip.Id;

            var modelSet = form.TryGetValue("modelSet", out var set) && set.ToString().Length > 0 ? set.ToString() : null;
            var result = await queue.SubmitAsync(context.ClientId(), new JobRequest(settings, uploadId, modelSet), cancellationToken);
            if (!result.Accepted)
                return ApiResults.Refused(result);
            var url = $"/api/jobs/{result.JobId}";
            return Results.Accepted(url, new SubmitResponse(result.JobId!.Value, result.Position,
                result.Estimate?.Run.TotalSeconds ?? 0, result.Estimate?.Wait.TotalSeconds ?? 0, url));
        }
        catch (UploadRejectedException rejected)
        {
            return ApiResults.Problem(rejected.StatusCode, "The upload was refused", [rejected.Message]);
        }
    }

    private static async Task<PreparedImage> PrepareAsync(IFormFile file, GenerationSettings settings, EditImageService images,
        CancellationToken cancellationToken)
    {
        if (file.Length > images.MaxBytes)
            throw images.TooLarge();
        await using var stream = file.OpenReadStream();
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return await images.PrepareAsync(buffer.ToArray(), settings.Width, settings.Height, cancellationToken);
    }

    private static async Task<IResult> GetImageAsync(Guid id, string role, bool? download, HttpContext context, IJobQueue queue,
        ContentStore content, StudyBlinding blinding, CancellationToken cancellationToken)
    {
        // A study's job answers as if it did not exist: its labelled images would unblind the study.
        var status = await blinding.HidesJobAsync(id, context.User, cancellationToken) ? null : await queue.GetAsync(id, context.ClientId(), cancellationToken);
        var url = role == ImageCondition.TextOnly.RoleName() ? status?.Images?.TextOnlyUrl
            : role == ImageCondition.Audio.RoleName() ? status?.Images?.AudioConditionedUrl
            : null;
        if (url is null)
            return ApiResults.Problem(StatusCodes.Status404NotFound, "No such image",
                [$"This job has no such image (yet): roles are '{ImageCondition.TextOnly.RoleName()}' and '{ImageCondition.Audio.RoleName()}'."]);
        var hash = url["/media/".Length..^".png".Length];
        return Results.File(content.PathOf(hash, "png"), "image/png", download == true ? $"clap2diffusion-{id:N}-{role}.png" : null);
    }
}
