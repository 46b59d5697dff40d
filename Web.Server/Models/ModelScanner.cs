using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Training;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Checks;
using Clap2Diffusion.Engine.Weights.Layouts;

namespace Clap2Diffusion.Server.Models;

/// <summary>
/// Finds model folders under the roots by their files alone: diffusers base models (<c>model_index.json</c>),
/// transformers CLAP folders (config.json naming a CLAP class) and V4 adapter sets (a training checkpoint is
/// listed as itself, not as the set inside it). The walk skips hidden folders and stops at a depth and a
/// folder count, so a root full of datasets cannot stall the page.
/// </summary>
public static class ModelScanner
{
    public const int MaxDepth = 6;
    public const int MaxFolders = 20_000;

    public static IReadOnlyList<ModelFolderInfo> Scan(IReadOnlyList<string> roots)
    {
        var found = new List<ModelFolderInfo>();
        var visited = 0;
        foreach (var root in roots.Where(Directory.Exists))
        {
            var pending = new Queue<(string Folder, int Depth)>([(root, 0)]);
            while (pending.Count > 0 && visited < MaxFolders)
            {
                var (folder, depth) = pending.Dequeue();
                visited++;
                var identified = Identify(folder, root);
                if (identified is not null)
                    found.Add(identified);
                if (depth == MaxDepth || identified?.Component == ModelComponent.Adapters)
                    continue;
                foreach (var child in Children(folder))
                    pending.Enqueue((child, depth + 1));
            }
        }
        return found;
    }

    private static ModelFolderInfo? Identify(string folder, string root)
    {
        var name = NameUnder(folder, root);
        if (DiffusersPipelineFolder.IsPipeline(folder))
            return new ModelFolderInfo(ModelComponent.BaseModel, folder, name, null);
        if (AdapterTrainer.CheckpointAdapters(folder) is { } inside && LooksLikeAdapters(inside))
            return new ModelFolderInfo(ModelComponent.Adapters, folder, name, $"training checkpoint; {OriginOf(inside)}");
        if (LooksLikeAdapters(folder))
            return new ModelFolderInfo(ModelComponent.Adapters, folder, name, OriginOf(folder));
        if (IsClap(folder))
            return new ModelFolderInfo(ModelComponent.Clap, folder, name, null);
        return null;
    }

    /// <summary>An adapter set by its header, or one whose weights cannot be read but whose config is no diffusers component's (so check-weights can say what is wrong).</summary>
    private static bool LooksLikeAdapters(string folder)
    {
        var config = Path.Combine(folder, AdapterFolder.ConfigFile);
        if (!File.Exists(config) || !File.Exists(Path.Combine(folder, AdapterFolder.WeightsFile)))
            return false;
        try
        {
            return AdapterFolder.IsAdapterFolder(folder);
        }
        catch (InputException)
        {
            return !HasProperty(config, "_class_name") && !HasProperty(config, "architectures");
        }
    }

    private static string OriginOf(string adapterFolder)
    {
        try
        {
            var metadata = AdapterFolder.ReadMetadata(adapterFolder);
            var parts = new[]
            {
                metadata.Description,
                metadata.Domain is null ? null : $"on {metadata.Domain}",
                metadata.TrainingStep is { } step ? $"step {step}" : null,
                $"for base {metadata.BaseModel ?? ModelHash.Short(metadata.BaseModelHash)}",
            };
            return string.Join(", ", parts.OfType<string>());
        }
        catch (InputException error)
        {
            return $"unreadable: {error.Message}";
        }
    }

    private static bool IsClap(string folder)
    {
        try
        {
            return WeightsCheck.ConfiguredClass(folder) is { } className && ModelChecks.ClapClasses.Contains(className);
        }
        catch (Exception error) when (error is InputException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool HasProperty(string config, string property)
    {
        try
        {
            using var document = ConfigJson.ParseDocument(File.ReadAllText(config), config);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(property, out _);
        }
        catch (Exception error) when (error is InputException or JsonException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static IEnumerable<string> Children(string folder)
    {
        try
        {
            return new DirectoryInfo(folder).EnumerateDirectories()
                .Where(d => !d.Name.StartsWith('.') && d.LinkTarget is null)
                .Select(d => d.FullName).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string NameUnder(string folder, string root)
    {
        var relative = Path.GetRelativePath(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(root)) ?? root, folder);
        return relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}
