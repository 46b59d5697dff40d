using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Client.Contracts;

/// <summary>An image ready to be edited: stored on the server, cropped to the size it was prepared for.</summary>
/// <param name="Hash">The content hash to put in <see cref="GenerationSettings.InitImage"/>.</param>
public sealed record PreparedImage(string Hash, string Url, int Width, int Height);

/// <summary>A prepared image, or why there is none.</summary>
public sealed record ImagePreparation(PreparedImage? Image, string? Problem);

/// <summary>
/// Turns a picture into the starting point of an edit: checked by content (PNG or JPEG) and size before it is
/// decoded, scaled to cover the output size, centre-cropped, and stored.
/// </summary>
public interface IEditImages
{
    /// <summary>The largest file accepted, in bytes.</summary>
    long MaxBytes { get; }

    Task<ImagePreparation> PrepareAsync(byte[] bytes, int width, int height, CancellationToken cancellationToken = default);

    /// <summary>Prepares an image the server already holds (a gallery image, or an earlier preparation) for another size.</summary>
    Task<ImagePreparation> PrepareStoredAsync(string hash, int width, int height, CancellationToken cancellationToken = default);
}
