using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Persistence;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Uploads;

/// <summary>
/// Makes a picture the start of an edit. Like a clip, it is judged by its content, never by its name or declared
/// type: only PNG and JPEG magic passes, its size comes from the header and is checked before a byte is decoded,
/// and the decoder then works within that size. The cropped result is stored as a plain PNG (no metadata carried
/// over), so every edit of it starts from the same bytes and the engine reads one format.
/// </summary>
public sealed class EditImageService(ContentStore content, IOptions<StorageOptions> options, ILogger<EditImageService> logger) : IEditImages
{
    public long MaxBytes => options.Value.MaxImageBytes;

    public UploadRejectedException TooLarge() =>
        new($"The image is larger than the {MaxBytes / 1e6:0.#} MB this server accepts for an image to edit.", StatusCodes.Status413PayloadTooLarge);

    async Task<ImagePreparation> IEditImages.PrepareAsync(byte[] bytes, int width, int height, CancellationToken cancellationToken) =>
        await Explained(() => PrepareAsync(bytes, width, height, cancellationToken));

    async Task<ImagePreparation> IEditImages.PrepareStoredAsync(string hash, int width, int height, CancellationToken cancellationToken) =>
        await Explained(() => PrepareStoredAsync(hash, width, height, cancellationToken));

    /// <summary>Checks, crops to <paramref name="width"/> x <paramref name="height"/> and stores; throws <see cref="UploadRejectedException"/>.</summary>
    public async Task<PreparedImage> PrepareAsync(byte[] bytes, int width, int height, CancellationToken cancellationToken)
    {
        if (bytes.Length == 0)
            throw new UploadRejectedException("The image file is empty.");
        if (bytes.LongLength > MaxBytes)
            throw TooLarge();
        var image = Decode(bytes);
        var cropped = EditImage.CoverCrop(image, width, height);
        var png = PngWriter.Encode(cropped.Width, cropped.Height, cropped.Pixels);
        if (await content.QuotaProblemAsync(png.LongLength, cancellationToken) is { } full)
            throw new UploadRejectedException(full, StatusCodes.Status507InsufficientStorage);
        // Nothing refers to the image until a job does; the retention sweep removes it if none ever does.
        var hash = await content.PutAsync(png, "png", _ => Task.CompletedTask, cancellationToken);
        logger.LogInformation("Image to edit {Hash}: {SourceWidth}x{SourceHeight} cropped to {Width}x{Height}",
            hash, image.Width, image.Height, width, height);
        return new PreparedImage(hash, ContentStore.UrlOf(hash, "png"), width, height);
    }

    public async Task<PreparedImage> PrepareStoredAsync(string hash, int width, int height, CancellationToken cancellationToken)
    {
        if (!ContentStore.IsHash(hash) || !File.Exists(content.PathOf(hash, "png")))
            throw new UploadRejectedException("That image is no longer on this server.");
        return await PrepareAsync(await File.ReadAllBytesAsync(content.PathOf(hash, "png"), cancellationToken), width, height, cancellationToken);
    }

    private RgbImage Decode(byte[] bytes)
    {
        try
        {
            // EditImage checks the header's pixel count against the limit before it decodes anything.
            return EditImage.Decode(bytes, options.Value.MaxImagePixels);
        }
        catch (InputException error) when (error is not UploadRejectedException)
        {
            throw new UploadRejectedException($"This file cannot be used as an image to edit: {error.Message}.");
        }
    }

    private static async Task<ImagePreparation> Explained(Func<Task<PreparedImage>> prepare)
    {
        try
        {
            return new ImagePreparation(await prepare(), null);
        }
        catch (UploadRejectedException rejected)
        {
            return new ImagePreparation(null, rejected.Message);
        }
    }
}
