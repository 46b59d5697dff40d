using Clap2Diffusion.Server.Persistence;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Runs;

/// <summary>Where runs write, and the dataset roots, as absolute real paths.</summary>
public sealed class RunPaths(IOptions<RunOptions> options, StoragePaths storage, IHostEnvironment environment)
{
    public string OutputFolder { get; } = Path.GetFullPath(options.Value.OutputFolder, storage.DataFolder);

    public IReadOnlyList<string> DatasetRoots { get; } = FolderGuard.Normalise(options.Value.DatasetRoots, environment.ContentRootPath);

    /// <summary>Where the engine's report keeps its charts, inside the report folder.</summary>
    public const string ChartsFolder = "charts";

    public string RunFolder(Guid runId) => Path.Combine(OutputFolder, runId.ToString("N"));

    public string SamplesFolder(Guid runId) => Path.Combine(RunFolder(runId), "samples");

    public string ReportFolder(Guid runId) => Path.Combine(RunFolder(runId), "report");

    /// <summary>A plain file name (no folders, no dots at the start), as the file endpoints accept.</summary>
    public static bool IsPlainFileName(string name) =>
        name.Length is > 0 and <= 128 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
