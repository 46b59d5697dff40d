namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// Finds the files of a model folder in the diffusers / transformers layout: <c>config.json</c> and the weights,
/// either one <c>&lt;stem&gt;.safetensors</c>, shards listed by <c>&lt;stem&gt;.safetensors.index.json</c>, or the
/// fp16 variant of either.
/// </summary>
public static class ModelFolder
{
    public static string RequireFolder(string folder)
    {
        Layouts.WeightFiles.RequireFolder(folder);
        return folder;
    }

    public static string ConfigPath(string folder, string name = "config.json")
    {
        var path = Path.Combine(RequireFolder(folder), name);
        return File.Exists(path) ? path : throw new InputException($"{folder} has no {name}; is it a model folder?");
    }

    /// <summary>The safetensors files holding the weights, in shard order (see <see cref="Layouts.WeightFiles.Locate"/>).</summary>
    public static IReadOnlyList<string> WeightFiles(string folder, string stem = Layouts.WeightFiles.Transformers) =>
        Layouts.WeightFiles.Locate(folder, stem);
}
