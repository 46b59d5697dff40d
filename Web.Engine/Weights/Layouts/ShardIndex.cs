using System.Text.Json;

namespace Clap2Diffusion.Engine.Weights.Layouts;

/// <summary>
/// A sharded checkpoint's <c>*.safetensors.index.json</c>: <c>{"weight_map": {"key": "shard file", ...}}</c>.
/// Shard names must be plain file names in the index's folder.
/// </summary>
public static class ShardIndex
{
    public static IReadOnlyList<string> Read(string indexPath)
    {
        if (!File.Exists(indexPath))
            throw new InputException($"shard index not found: {indexPath}");
        var folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        using var document = ConfigJson.ParseDocument(File.ReadAllText(indexPath), indexPath);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new InputException($"{indexPath}: a shard index needs a \"weight_map\" object");

        var shards = new List<string>();
        foreach (var entry in map.EnumerateObject())
        {
            var name = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : "";
            if (name.Length == 0 || name != Path.GetFileName(name) || name is "." or "..")
                throw new InputException($"{indexPath}: tensor '{entry.Name}' maps to '{name}', which is not a file name in the folder");
            if (!shards.Contains(name, StringComparer.Ordinal))
                shards.Add(name);
        }
        if (shards.Count == 0)
            throw new InputException($"{indexPath}: weight_map is empty");

        var paths = shards.Select(name => Path.Combine(folder, name)).ToList();
        var missing = paths.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
            throw new InputException($"{indexPath}: shard file(s) missing: {string.Join(", ", missing)}");
        return paths;
    }
}
