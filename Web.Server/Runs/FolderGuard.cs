namespace Clap2Diffusion.Server.Runs;

/// <summary>
/// Keeps folder choices under configured roots. Paths are made absolute and normalised (so <c>..</c> cannot
/// climb out), compared segment by segment (so <c>/data2</c> is not under <c>/data</c>), and every existing
/// part is followed through symbolic links (so a link inside a root cannot lead outside it).
/// </summary>
public static class FolderGuard
{
    public static IReadOnlyList<string> Normalise(IEnumerable<string> roots, string basePath) =>
        roots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => Real(Path.GetFullPath(r, basePath))).Distinct().ToList();

    /// <summary>The folder's real absolute path when it exists under one of <paramref name="roots"/>; otherwise the reason it is refused.</summary>
    public static (string? Folder, string? Problem) Resolve(string? path, IReadOnlyList<string> roots)
    {
        if (roots.Count == 0)
            return (null, "No folders are configured for this choice; set the roots in the server's configuration.");
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0'))
            return (null, "Choose a folder.");
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return (null, $"'{path}' is not a folder path.");
        }

        if (!Path.IsPathRooted(path))
            return (null, $"'{path}' is not an absolute path.");
        if (!Directory.Exists(full))
            return (null, $"The folder {full} does not exist.");
        var real = Real(full);
        return roots.Any(root => IsUnder(real, root))
            ? (real, null)
            : (null, $"The folder {full} is outside the configured roots ({string.Join(", ", roots)}).");
    }

    public static bool IsUnder(string path, string root)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var trimmedRoot = Path.TrimEndingDirectorySeparator(root);
        var trimmed = Path.TrimEndingDirectorySeparator(path);
        return string.Equals(trimmed, trimmedRoot, comparison)
            || trimmed.StartsWith(trimmedRoot + Path.DirectorySeparatorChar, comparison);
    }

    /// <summary>The path with every symbolic link along it resolved, as far as the path exists.</summary>
    public static string Real(string full) => Real(full, 0);

    private static string Real(string full, int depth)
    {
        if (depth > 32)
            throw new IOException($"Too many levels of symbolic links under {full}.");
        var root = Path.GetPathRoot(full) ?? "/";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            var info = new DirectoryInfo(next);
            if (info.Exists && info.LinkTarget is not null)
                next = Real(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? next, depth + 1);
            current = next;
        }

        return Path.TrimEndingDirectorySeparator(current).Length == 0 ? root : current;
    }
}
