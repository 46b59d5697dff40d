using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Identity;
using Clap2Diffusion.Server.Network;
using Clap2Diffusion.Server.Uploads;
using Microsoft.AspNetCore.Mvc;

namespace Clap2Diffusion.Server.Api;

public static class UploadEndpoints
{
    public const string AudioField = "audio";

    public static RouteGroupBuilder MapUploadEndpoints(this RouteGroupBuilder api, long maxBodyBytes)
    {
        api.MapPost("/uploads", UploadAsync)
            .WithName("UploadAudio")
            .WithSummary("Upload a clip (multipart field 'audio': WAV, FLAC, MP3, Ogg, or another format ffmpeg reads); returns its id for later jobs.")
            .Accepts<UploadForm>("multipart/form-data")
            .Produces<AudioClip>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage)
            .WithMetadata(new RequestSizeLimitAttribute(maxBodyBytes))
            .AddEndpointFilter<ExplicitClientFilter>()
            .LimitPerAddress(AddressLimits.Uploads, "Too many clips were uploaded from your network address in a short time.")
            .DisableAntiforgery();
        return api;
    }

    private static async Task<IResult> UploadAsync(HttpContext context, UploadService uploads, CancellationToken cancellationToken)
    {
        try
        {
            var form = await ReadFormAsync(context.Request, uploads, cancellationToken);
            var clip = await SaveAsync(context, form, uploads, cancellationToken)
                ?? throw new UploadRejectedException($"Attach the clip as a multipart form field named '{AudioField}'.");
            return Results.Created(clip.Url, clip);
        }
        catch (UploadRejectedException rejected)
        {
            return ApiResults.Problem(rejected.StatusCode, "The upload was refused", [rejected.Message]);
        }
    }

    /// <summary>Reads the form; a body over the size limit becomes a 413 with a sentence, not a bare status.</summary>
    internal static async Task<IFormCollection> ReadFormAsync(HttpRequest request, UploadService uploads, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
            throw new UploadRejectedException("Send a multipart/form-data body.");
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw uploads.TooLarge();
        }
        catch (InvalidDataException)
        {
            throw uploads.TooLarge();
        }
    }

    /// <summary>Validates and stores the form's clip, if it has one.</summary>
    internal static async Task<AudioClip?> SaveAsync(HttpContext context, IFormCollection form, UploadService uploads,
        CancellationToken cancellationToken)
    {
        if (form.Files.GetFile(AudioField) is not { } file)
            return null;
        if (file.Length > uploads.MaxBytes)
            throw uploads.TooLarge();
        await using var stream = file.OpenReadStream();
        var bytes = await uploads.ReadLimitedAsync(stream, cancellationToken);
        var address = context.RequestServices.GetRequiredService<Network.ClientNetwork>().PartitionOf(context);
        return await uploads.SaveAsync(context.ClientId(), bytes, file.FileName, cancellationToken, address, visitor: true);
    }

    /// <summary>The upload form, for the OpenAPI document.</summary>
    public sealed class UploadForm
    {
        public IFormFile? Audio { get; set; }
    }
}
