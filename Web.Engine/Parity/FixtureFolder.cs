using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Parity;

/// <summary>
/// A folder of parity fixtures (a leaf of <c>shared/parity</c> or any folder laid out the same way). Safetensors
/// files are opened once and closed with the folder; files that are not valid safetensors read as absent while a
/// kind decides whether it recognises the folder.
/// </summary>
public sealed class FixtureFolder : IDisposable
{
    private readonly Dictionary<string, SafeTensorsFile?> opened = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReferenceFile> references = new(StringComparer.Ordinal);

    public FixtureFolder(string path)
    {
        if (!Directory.Exists(path))
            throw new InputException($"fixture folder not found: {path}");
        Path = System.IO.Path.GetFullPath(path).TrimEnd(System.IO.Path.DirectorySeparatorChar);
        Parent = System.IO.Path.GetDirectoryName(Path) ?? Path;
    }

    public string Path { get; }

    /// <summary>Where weights named in metadata (<c>"unet_dummy/diffusion_pytorch_model.safetensors"</c>) are looked up first.</summary>
    public string Parent { get; }

    public string PathOf(string file) => System.IO.Path.Combine(Path, file);

    public bool Has(string file) => File.Exists(PathOf(file));

    /// <summary>The names of the files with this extension (".safetensors"), sorted ordinally.</summary>
    public IReadOnlyList<string> FilesEndingWith(string extension) =>
        Directory.EnumerateFiles(Path, "*" + extension).Select(System.IO.Path.GetFileName).OfType<string>()
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>The file, or null when it is absent or not a readable safetensors file.</summary>
    public SafeTensorsFile? TryOpen(string file)
    {
        if (opened.TryGetValue(file, out var known))
            return known;
        SafeTensorsFile? result = null;
        if (Has(file))
        {
            try
            {
                result = SafeTensorsFile.Open(PathOf(file));
            }
            catch (WeightsFormatException)
            {
                result = null;
            }
        }
        opened[file] = result;
        return result;
    }

    public SafeTensorsFile Open(string file) =>
        TryOpen(file) ?? throw new InputException($"{PathOf(file)} is missing or is not a readable safetensors file");

    /// <summary>A file of reference tensors; every view of one file shares the record of what was read.</summary>
    public ReferenceFile Reference(string file, string prefix = "")
    {
        if (!references.TryGetValue(file, out var reference))
            references[file] = reference = new ReferenceFile(Open(file), prefix, new HashSet<string>(StringComparer.Ordinal));
        return reference.Prefix == prefix ? reference : reference.WithPrefix(prefix);
    }

    /// <summary>Tensors of the reference files that nothing read: neither an input nor compared.</summary>
    public IEnumerable<(string File, IReadOnlyList<string> Names)> Unread() =>
        references.OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => (r.Key, (IReadOnlyList<string>)r.Value.Unread.ToList()))
            .Where(r => r.Item2.Count > 0);

    /// <summary>A metadata entry of a file, or null when the file or the entry is absent.</summary>
    public string? MetadataOf(string file, string key) =>
        TryOpen(file)?.Metadata.TryGetValue(key, out var value) == true ? value : null;

    /// <summary>
    /// A file that metadata names relative to the fixtures' root (<c>"clap_tiny/model.safetensors"</c>): looked up
    /// under the parent folder, as the fixtures lie in <c>shared/parity</c>; a copy of a self-contained fixture
    /// folder under another name finds the file in itself.
    /// </summary>
    public string ResolveNamedFile(string relative)
    {
        var beside = System.IO.Path.GetFullPath(System.IO.Path.Combine(Parent, relative));
        if (File.Exists(beside))
            return beside;
        var inside = PathOf(System.IO.Path.GetFileName(relative));
        if (File.Exists(inside))
            return inside;
        throw new InputException($"the fixture in {Path} names '{relative}', found neither at {beside} nor at {inside}");
    }

    public void Dispose()
    {
        foreach (var file in opened.Values)
            file?.Dispose();
        opened.Clear();
    }
}
