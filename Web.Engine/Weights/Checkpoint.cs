using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// One model's weights, possibly spread over several safetensors files (shards), indexed by the module
/// key each tensor loads into. Weights read from another format (a legacy torch pickle) are held in
/// memory instead, through <see cref="FromTensors"/>.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    private readonly List<SafeTensorsFile> files = [];
    private readonly Dictionary<string, (SafeTensorsFile? File, SafeTensorInfo Info)> entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> held = new(StringComparer.Ordinal);
    private string? heldSource;

    private Checkpoint(KeyTranslation translation) => Translation = translation;

    public KeyTranslation Translation { get; }

    public IReadOnlyList<SafeTensorsFile> Files => files;

    public string Description => heldSource ?? (files.Count == 1 ? files[0].Path : $"{files.Count} files ({files[0].Path}, ...)");

    public IReadOnlyCollection<string> Keys => entries.Keys;

    public static Checkpoint Open(IEnumerable<string> paths, KeyTranslation? translation = null)
    {
        var checkpoint = new Checkpoint(translation ?? KeyTranslation.Identity);
        try
        {
            foreach (var path in paths)
                checkpoint.Add(SafeTensorsFile.Open(path));
            if (checkpoint.files.Count == 0)
                throw new InputException("no weights files were given");
            return checkpoint;
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    public static Checkpoint Open(string path, KeyTranslation? translation = null) => Open([path], translation);

    /// <summary>A checkpoint over tensors already in memory; it takes ownership of them and disposes them.</summary>
    public static Checkpoint FromTensors(string source, IEnumerable<(string Name, Tensor Tensor)> tensors,
        KeyTranslation? translation = null)
    {
        var checkpoint = new Checkpoint(translation ?? KeyTranslation.Identity) { heldSource = source };
        try
        {
            foreach (var (name, tensor) in tensors)
            {
                var key = checkpoint.Translation.Rename(name);
                if (!checkpoint.held.TryAdd(key, tensor))
                {
                    tensor.Dispose();
                    throw new WeightsFormatException(source, $"tensor '{name}' loads into '{key}', which another tensor already provides");
                }
                var info = new SafeTensorInfo(name, SafeTensorsDType.NameOf(tensor.dtype), tensor.dtype, tensor.shape, 0,
                    tensor.numel() * tensor.ElementSize);
                checkpoint.entries.Add(key, (null, info));
            }
            return checkpoint;
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    private void Add(SafeTensorsFile file)
    {
        files.Add(file);
        foreach (var info in file.Tensors)
        {
            var key = Translation.Rename(info.Name);
            if (!entries.TryAdd(key, (file, info)))
                throw new WeightsFormatException(file.Path,
                    $"tensor '{info.Name}' loads into '{key}', which {entries[key].File?.Path ?? Description} already provides");
        }
    }

    public bool Contains(string key) => entries.ContainsKey(key);

    public SafeTensorInfo Info(string key) => entries[key].Info;

    public long[] Shape(string key) => entries[key].Info.Shape;

    public Tensor Load(string key, ScalarType? dtype = null)
    {
        if (held.TryGetValue(key, out var tensor))
            return tensor.to_type(dtype ?? tensor.dtype, copy: true);
        var (file, info) = entries[key];
        return file!.Load(info.Name, dtype);
    }

    /// <summary>Element types present, with how many tensors of each, e.g. "F16 x 686".</summary>
    public string DTypeSummary =>
        string.Join(", ", entries.Values.GroupBy(e => e.Info.DType).OrderBy(g => g.Key).Select(g => $"{g.Key} x {g.Count()}"));

    public void Dispose()
    {
        foreach (var file in files)
            file.Dispose();
        foreach (var tensor in held.Values)
            tensor.Dispose();
    }
}
