using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// SHA-256 of weight files, which names a model exactly (the About page, PNG parameters, adapter metadata).
/// Hashing a multi-gigabyte file takes seconds, so results are remembered per path, size and write time.
/// </summary>
public static class ModelHash
{
    private static readonly ConcurrentDictionary<(string Path, long Size, DateTime Written), string> Cache = new();

    public static string OfFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new InputException($"cannot hash {path}: file not found");
        return Cache.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }

    /// <summary>One hash for several files (shards): the hash of their hashes in order.</summary>
    public static string OfFiles(IReadOnlyList<string> paths) =>
        paths.Count == 1
            ? OfFile(paths[0])
            : Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(string.Join("\n", paths.Select(OfFile)))));

    /// <summary>The first 10 hex digits, as image tools show model hashes.</summary>
    public static string Short(string hash) => hash.Length > 10 ? hash[..10] : hash;
}
