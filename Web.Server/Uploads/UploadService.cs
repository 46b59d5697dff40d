using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Uploads;

/// <summary>
/// Validates a clip by content and size, stores it once, and records it as the uploader's. Decoding runs off the
/// request thread, at most <c>Storage:MaxConcurrentDecodes</c> at a time, and stops when the client goes away.
/// </summary>
public sealed class UploadService(IDbContextFactory<StudioDbContext> contexts, ContentStore content, IAudioValidator validator,
    UploadQuotas quotas, IOptions<StorageOptions> options, ILogger<UploadService> logger) : IDisposable
{
    private readonly SemaphoreSlim _decodes = new(options.Value.MaxConcurrentDecodes);

    public long MaxBytes => options.Value.MaxAudioBytes;

    public static AudioClip ToClip(UploadEntity upload) =>
        new(upload.Id, upload.FileName, ContentStore.UrlOf(upload.ContentHash, "wav"), upload.DurationSeconds, upload.SampleRate,
            upload.Channels, upload.Bytes);

    /// <summary>Reads at most the limit from <paramref name="stream"/>; throws <see cref="UploadRejectedException"/> past it.</summary>
    public async Task<byte[]> ReadLimitedAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
                throw TooLarge();
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public UploadRejectedException TooLarge() =>
        new($"The file is larger than the {MaxBytes / 1e6:0.#} MB this server accepts for a clip.", StatusCodes.Status413PayloadTooLarge);

    private async Task<AudioFacts> DecodeAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        var limits = new AudioUploadLimits(options.Value.MaxAudioSeconds, options.Value.MaxAudioBytes);
        await _decodes.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => validator.Inspect(bytes, limits, cancellationToken), cancellationToken);
        }
        finally
        {
            _decodes.Release();
        }
    }

    public void Dispose() => _decodes.Dispose();

    /// <summary>
    /// Decodes, checks and stores a clip for <paramref name="ownerId"/>. A visitor's upload names its network
    /// <paramref name="address"/> (null when the address is exempt) and counts against the day's upload budgets; the
    /// server's own clips (examples) pass <paramref name="visitor"/> false and count against none.
    /// </summary>
    public async Task<AudioClip> SaveAsync(string ownerId, byte[] bytes, string? fileName, CancellationToken cancellationToken,
        string? address = null, bool visitor = false)
    {
        if (bytes.Length == 0)
            throw new UploadRejectedException("The file is empty.");
        if (bytes.LongLength > MaxBytes)
            throw TooLarge();
        var facts = await DecodeAsync(bytes, cancellationToken);
        bytes = facts.Stored;
        using var reservation = visitor ? quotas.Reserve(ownerId, address, bytes.LongLength) : null;
        if (await content.QuotaProblemAsync(bytes.LongLength, cancellationToken) is { } full)
            throw new UploadRejectedException(full, StatusCodes.Status507InsufficientStorage);

        UploadEntity? saved = null;
        await content.PutAsync(bytes, facts.Extension, async hash =>
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            saved = await db.Uploads.FirstOrDefaultAsync(u => u.OwnerId == ownerId && u.ContentHash == hash, cancellationToken);
            if (saved is not null)
                return;
            saved = new UploadEntity
            {
                Id = Guid.NewGuid(),
                OwnerId = ownerId,
                ContentHash = hash,
                FileName = SafeFileName.From(fileName, "clip.wav"),
                DurationSeconds = facts.DurationSeconds,
                SampleRate = facts.SampleRate,
                Channels = facts.Channels,
                Bytes = bytes.LongLength,
                CreatedAt = DateTime.UtcNow,
            };
            db.Uploads.Add(saved);
            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);

        reservation?.Keep();
        logger.LogInformation("Upload {UploadId} by {ClientId}: {Bytes} bytes, {Seconds:0.00} s at {SampleRate} Hz",
            saved!.Id, ownerId, saved.Bytes, saved.DurationSeconds, saved.SampleRate);
        return ToClip(saved);
    }
}
