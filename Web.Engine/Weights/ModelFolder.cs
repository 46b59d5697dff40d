using System.Text.Json;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// Finds the files of a model folder in the diffusers / transformers layout: <c>config.json</c> and the weights,
/// either one <c>&lt;stem&gt;.safetensors</c> or shards listed by <c>&lt;stem&gt;.safetensors.index.json</c>.
/// </summary>
public static class ModelFolder
{
    public static string RequireFolder(string folder) =>
        Directory.Exists(folder) ? folder : throw new InputException($"model folder not found: {folder}");

    public static string ConfigPath(string folder, string name = "config.json")
    {
        var path = Path.Combine(RequireFolder(folder), name);
        return File.Exists(path) ? path : throw new InputException($"{folder} has no {name}; is it a model folder?");
    }

    /// <summary>The safetensors files holding the weights, in shard order.</summary>
    public static IReadOnlyList<string> WeightFiles(string folder, string stem = "model")
    {
        RequireFolder(folder);
        var single = Path.Combine(folder, stem + ".safetensors");
        if (File.Exists(single))
            return [single];
        var index = single + ".index.json";
        if (File.Exists(index))
            return Shards(folder, index);
        var pickle = new[] { stem + ".bin", "pytorch_model.bin" }.FirstOrDefault(name => File.Exists(Path.Combine(folder, name)));
        if (pickle is not null)
            throw new InputException($"{folder} holds only {pickle} (a PyTorch pickle), which the engine does not read; " +
                "convert it to safetensors first (e.g. save_pretrained(..., safe_serialization=True) in transformers)");
        throw new InputException($"{folder} has no weights: expected {stem}.safetensors or {stem}.safetensors.index.json");
    }

    private static List<string> Shards(string folder, string index)
    {
        using var document = ConfigJson.ParseDocument(File.ReadAllText(index), index);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new InputException($"{index}: no \"weight_map\" object");
        var shards = new List<string>();
        foreach (var entry in map.EnumerateObject())
        {
            var name = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : "";
            if (name.Length == 0 || Path.GetFileName(name) != name)
                throw new InputException($"{index}: tensor '{entry.Name}' maps to '{name}', which is not a file name in the folder");
            if (!shards.Contains(name))
                shards.Add(name);
        }
        if (shards.Count == 0)
            throw new InputException($"{index}: the weight_map is empty");
        var paths = shards.Select(name => Path.Combine(folder, name)).ToList();
        var absent = paths.FirstOrDefault(path => !File.Exists(path));
        return absent is null ? paths : throw new InputException($"{index} names the shard {Path.GetFileName(absent)}, which is missing");
    }
}
