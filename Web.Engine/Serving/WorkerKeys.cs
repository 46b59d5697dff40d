using System.Security.Cryptography;
using System.Text;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// The shared secret between the front end and its workers: a UTF-8 text file, trimmed, at least 32 bytes. Both ends
/// read it with these rules, and the front end compares keys in constant time.
/// </summary>
public static class WorkerKeys
{
    public const int ShortestBytes = 32;

    /// <summary>The key in <paramref name="path"/>; <see cref="InputException"/> naming <paramref name="setting"/> when unusable.</summary>
    public static string Read(string path, string setting)
    {
        if (Problem(path, setting) is { } problem)
            throw new InputException(problem);
        return File.ReadAllText(path, Encoding.UTF8).Trim();
    }

    /// <summary>Why the file cannot be the key, or null when it can.</summary>
    public static string? Problem(string path, string setting)
    {
        if (!File.Exists(path))
            return $"{setting} '{path}' does not exist.";
        string key;
        try
        {
            if (new FileInfo(path).Length > 64 * 1024)
                return $"{setting} '{path}' is over 64 KiB; a key file holds one line.";
            key = File.ReadAllText(path, Encoding.UTF8).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"{setting} '{path}' cannot be read: {exception.Message}";
        }

        var bytes = Encoding.UTF8.GetByteCount(key);
        return bytes < ShortestBytes ? $"{setting} '{path}' holds a {bytes}-byte key; a worker key needs at least {ShortestBytes} bytes." : null;
    }

    /// <summary>Whether <paramref name="presented"/> is the key, in time that does not depend on where they differ.</summary>
    public static bool Matches(string key, string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)),
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
