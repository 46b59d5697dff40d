namespace Clap2Diffusion.Engine.Weights.Layouts;

/// <summary>
/// Finds a model folder's weights the way diffusers and transformers name them: <c>{name}.safetensors</c>, a
/// sharded <c>{name}.safetensors.index.json</c>, or the fp16 variant of either. PyTorch pickles
/// (<c>.bin</c>, <c>.ckpt</c>) are not read: the message says how to convert them.
/// </summary>
public static class WeightFiles
{
    /// <summary>diffusers' weights name for model components (unet, vae).</summary>
    public const string Diffusers = "diffusion_pytorch_model";

    /// <summary>transformers' weights name (text_encoder, CLAP, CLIP).</summary>
    public const string Transformers = "model";

    public const string IndexSuffix = ".safetensors.index.json";

    /// <summary>Fails with a helpful message unless <paramref name="folder"/> is an existing folder.</summary>
    public static void RequireFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new InputException(File.Exists(folder)
                ? SingleFileCheckpoint.Describe(folder) ?? $"{folder} is a file; a model folder was expected"
                : $"model folder not found: {folder}");
    }

    /// <summary>
    /// The safetensors files to load, in order.
    /// </summary>
    /// <param name="folder">The model (component) folder.</param>
    /// <param name="baseName"><see cref="Diffusers"/> or <see cref="Transformers"/>.</param>
    /// <param name="explicitFile">A weights file (or shard index) to use instead of the usual names; a relative
    /// path is taken relative to <paramref name="folder"/>.</param>
    public static IReadOnlyList<string> Locate(string folder, string baseName, string? explicitFile = null)
    {
        RequireFolder(folder);

        if (explicitFile is not null)
        {
            var path = Path.IsPathRooted(explicitFile) || File.Exists(explicitFile) ? explicitFile : Path.Combine(folder, explicitFile);
            if (!File.Exists(path))
                throw new InputException($"weights file not found: {path}");
            return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ShardIndex.Read(path) : [path];
        }

        foreach (var variant in (ReadOnlySpan<string>)["", ".fp16"])
        {
            var single = Path.Combine(folder, $"{baseName}{variant}.safetensors");
            if (File.Exists(single))
                return [single];
            var index = Path.Combine(folder, $"{baseName}{variant}{IndexSuffix}");
            if (File.Exists(index))
                return ShardIndex.Read(index);
        }

        var pickle = new[] { ".bin", ".ckpt", ".pt", ".pth" }.Select(ext => baseName + ext).Append("pytorch_model.bin")
            .Select(name => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
        if (pickle is not null)
            throw new InputException($"{pickle} is a PyTorch pickle, which this engine does not read (it can run code). " +
                "Convert it to safetensors first, e.g. in Python: model = ...from_pretrained(folder); " +
                "model.save_pretrained(folder, safe_serialization=True).");

        var present = Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        throw new InputException($"no weights in {folder}: expected {baseName}.safetensors, {baseName}{IndexSuffix} " +
            $"or their .fp16 variants; the folder holds: {(present.Count == 0 ? "nothing" : string.Join(", ", present))}");
    }
}
