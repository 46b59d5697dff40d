using Clap2Diffusion.Server.Runs;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Models;

/// <summary>The configured model roots plus the training output folder, whose checkpoints are adapter sets.</summary>
public sealed class ModelRoots(IOptions<ModelOptions> options, RunPaths runs, IHostEnvironment environment)
{
    public IReadOnlyList<string> All { get; } = FolderGuard.Normalise(options.Value.Roots.Append(EnsureExists(runs.OutputFolder)),
        environment.ContentRootPath);

    private static string EnsureExists(string folder)
    {
        Directory.CreateDirectory(folder);
        return folder;
    }
}
