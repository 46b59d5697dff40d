namespace Clap2Diffusion.Tests.Infrastructure;

/// <summary>
/// Locates the read-only <c>shared/</c> folder (specs, parity fixtures) that CI places beside the
/// repository. Only tests read it; product code never does. <c>C2D_SHARED_DIR</c> overrides the search.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Clap2Diffusion.Web.sln")))
                    return dir.FullName;
            throw new InvalidOperationException($"Could not find Clap2Diffusion.Web.sln above {AppContext.BaseDirectory}.");
        }
    }

    private static string FindRoot()
    {
        var overridden = Environment.GetEnvironmentVariable("C2D_SHARED_DIR");
        if (!string.IsNullOrEmpty(overridden))
            return Directory.Exists(overridden)
                ? overridden
                : throw new InvalidOperationException($"C2D_SHARED_DIR points at '{overridden}', which does not exist.");

        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
        if (!Directory.Exists(Path.Combine(candidate, "specs")))
            throw new InvalidOperationException(
                $"The shared test data folder was not found at {candidate}. These tests need the 'shared' folder " +
                "(specs and parity fixtures) beside the repository, as CI lays it out, or C2D_SHARED_DIR set to it.");
        return candidate;
    }
}
