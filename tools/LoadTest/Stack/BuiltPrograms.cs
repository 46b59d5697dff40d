namespace Clap2Diffusion.LoadTest.Stack;

/// <summary>
/// Where the front end and the engine were built beside the program running now: the same repository, configuration,
/// framework and runtime folders (<c>PROJECT/bin/Release/net10.0/linux-x64</c>), so a Release load test runs the
/// Release front end and workers, and a test run the test build's.
/// </summary>
public static class BuiltPrograms
{
    private const string SolutionFile = "Clap2Diffusion.Web.sln";

    public static string FrontEnd => Locate("Web.Server");

    public static string Engine => Locate("Web.Engine");

    private static string Locate(string project)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var runtime = output.Name;
        var framework = output.Parent?.Name ?? "";
        var configuration = output.Parent?.Parent?.Name ?? "";
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, SolutionFile)))
            root = root.Parent;
        if (root is null)
            throw new InvalidOperationException($"--workers runs the built {project} of this repository, but {AppContext.BaseDirectory} is not inside one.");
        var dll = Path.Combine(root.FullName, project, "bin", configuration, framework, runtime, $"{project}.dll");
        return File.Exists(dll)
            ? dll
            : throw new InvalidOperationException($"--workers needs the built {project} at {dll}: dotnet build {project} -c {configuration} first " +
                                                  "(scripts/load-test.sh does).");
    }
}
