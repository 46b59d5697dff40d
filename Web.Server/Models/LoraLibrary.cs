using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Models;

/// <summary>
/// The LoRA files jobs may apply: every <c>*.safetensors</c> under <c>Models:LoraRoots</c>, named by its path
/// relative to its root (with <c>/</c>). Jobs name a file from this list, never a path, so a client cannot make the
/// engine read anything else. The folders are read again at most every few seconds, so files dropped in appear
/// without a restart and pages that poll the engine status do not scan the disk each time.
/// </summary>
public sealed class LoraLibrary(IOptions<ModelOptions> options, IHostEnvironment environment)
{
    private readonly IReadOnlyList<string> roots = options.Value.LoraRoots
        .Select(root => Path.GetFullPath(root, environment.ContentRootPath))
        .ToList();

    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(10);
    private (IReadOnlyList<string> Names, DateTime At)? listing;

    /// <summary>Whether any LoRA roots are configured at all.</summary>
    public bool Configured => roots.Count > 0;

    public IReadOnlyList<string> Names
    {
        get
        {
            if (listing is { } cached && DateTime.UtcNow - cached.At < Freshness)
                return cached.Names;
            var names = Files().Select(f => f.Name).ToList();
            listing = (names, DateTime.UtcNow);
            return names;
        }
    }

    /// <summary>The file a listed name stands for; null when the name is not listed.</summary>
    public string? Resolve(string name) => Files().FirstOrDefault(f => f.Name == name).Path;

    private IEnumerable<(string Name, string Path)> Files()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots.Where(Directory.Exists))
            foreach (var file in Directory.EnumerateFiles(root, "*.safetensors", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var name = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
                if (seen.Add(name))
                    yield return (name, file);
            }
    }
}
