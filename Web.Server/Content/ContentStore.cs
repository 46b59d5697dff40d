using System.Security.Cryptography;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Content;

/// <summary>
/// Files named by the sha256 of their bytes (<c>content/ab/abcd….wav</c>), so a clip uploaded twice is
/// stored once. The database holds one row per file (for the quota) and the rows that refer to it; a file
/// goes when the last reference does. One gate serialises storing and deleting, so a file being referenced
/// anew is never deleted underneath its new owner.
/// </summary>
public sealed class ContentStore(IDbContextFactory<StudioDbContext> contexts, StoragePaths paths, IOptions<StorageOptions> options,
    ILogger<ContentStore> logger)
{
    public static readonly IReadOnlyDictionary<string, string> MediaTypes = new Dictionary<string, string>
    {
        ["wav"] = "audio/wav",
        ["png"] = "image/png",
    };

    private readonly SemaphoreSlim _gate = new(1, 1);

    public static bool IsHash(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigitLower);

    public static string UrlOf(string hash, string extension) => $"/media/{hash}.{extension}";

    public string PathOf(string hash, string extension) => Path.Combine(paths.ContentFolder, hash[..2], $"{hash}.{extension}");

    public async Task<long> UsedBytesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Contents.SumAsync(c => c.Bytes, cancellationToken);
    }

    /// <summary>Null when <paramref name="incoming"/> more bytes fit under the quota; otherwise what to tell the user.</summary>
    public async Task<string?> QuotaProblemAsync(long incoming, CancellationToken cancellationToken)
    {
        var quota = options.Value.QuotaBytes;
        var used = await UsedBytesAsync(cancellationToken);
        return used + incoming <= quota
            ? null
            : $"The server's storage is full ({used / 1e6:0.#} MB of {quota / 1e6:0.#} MB used). Delete some of your " +
              "gallery items, or ask the operator to raise Storage:QuotaBytes.";
    }

    /// <summary>
    /// Stores the bytes (once) and, still holding the gate, lets <paramref name="reference"/> save the row that
    /// refers to them. Returns the hash.
    /// </summary>
    public async Task<string> PutAsync(byte[] bytes, string extension, Func<string, Task> reference, CancellationToken cancellationToken)
    {
        if (!MediaTypes.ContainsKey(extension))
            throw new ArgumentException($"Unknown content extension '{extension}'.", nameof(extension));
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var path = PathOf(hash, extension);
            if (!File.Exists(path))
                await WriteDurablyAsync(path, bytes, cancellationToken);
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                if (!await db.Contents.AnyAsync(c => c.Hash == hash, cancellationToken))
                {
                    db.Contents.Add(new ContentEntity { Hash = hash, Extension = extension, Bytes = bytes.LongLength, CreatedAt = DateTime.UtcNow });
                    await db.SaveChangesAsync(cancellationToken);
                }
            }

            await reference(hash);
            return hash;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes each file (and its row) that no upload and no job refers to any more.</summary>
    public async Task DeleteUnreferencedAsync(IEnumerable<string> hashes, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            foreach (var hash in hashes.Distinct())
            {
                var used = await db.Uploads.AnyAsync(u => u.ContentHash == hash, cancellationToken)
                    || await db.Jobs.AnyAsync(j => j.TextOnlyImage == hash || j.AudioConditionedImage == hash || j.InitImage == hash, cancellationToken);
                if (used)
                    continue;
                var row = await db.Contents.FindAsync([hash], cancellationToken);
                if (row is null)
                    continue;
                File.Delete(PathOf(hash, row.Extension));
                db.Contents.Remove(row);
                await db.SaveChangesAsync(cancellationToken);
                logger.LogInformation("Deleted content {Hash} ({Bytes} bytes)", hash, row.Bytes);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Removes the rows whose file is gone: a crash between deleting a file and deleting its row leaves one, which
    /// the quota would count for ever. Returns how many.
    /// </summary>
    public async Task<int> DeleteRowsWithoutFilesAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var rows = await db.Contents.AsNoTracking().Select(c => new { c.Hash, c.Extension }).ToListAsync(cancellationToken);
            var missing = rows.Where(r => !File.Exists(PathOf(r.Hash, r.Extension))).Select(r => r.Hash).ToList();
            if (missing.Count > 0)
            {
                await db.Contents.Where(c => missing.Contains(c.Hash)).ExecuteDeleteAsync(cancellationToken);
                logger.LogWarning("Removed {Count} content rows whose files were gone", missing.Count);
            }

            return missing.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes files a crash left half-written, and files whose row never got saved.</summary>
    public async Task<int> DeleteStrayFilesAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(paths.ContentFolder))
            return 0;
        var cutoff = DateTime.UtcNow - olderThan;
        var deleted = 0;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var known = (await db.Contents.Select(c => c.Hash).ToListAsync(cancellationToken)).ToHashSet();
            foreach (var file in Directory.EnumerateFiles(paths.ContentFolder, "*", SearchOption.AllDirectories))
            {
                if (File.GetLastWriteTimeUtc(file) > cutoff)
                    continue;
                var name = Path.GetFileName(file);
                var hash = name.Split('.')[0];
                if (name.EndsWith(".partial", StringComparison.Ordinal) || !known.Contains(hash))
                {
                    File.Delete(file);
                    deleted++;
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        return deleted;
    }

    private static async Task WriteDurablyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = $"{path}.{Guid.NewGuid():N}.partial";
        await using (var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(bytes, cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(partial, path, overwrite: true);
    }
}
