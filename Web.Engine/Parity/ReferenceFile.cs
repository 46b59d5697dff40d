using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity;

/// <summary>
/// One safetensors file of reference tensors. <see cref="Prefix"/> qualifies its tensor names in reports and in
/// <c>--out</c> files when a fixture holds several such files ("ddim/", "io_audio/"); it is empty when the fixture
/// has one. The file remembers which tensors were read, so a run can say which it never looked at.
/// </summary>
public sealed class ReferenceFile
{
    private readonly HashSet<string> read;

    internal ReferenceFile(SafeTensorsFile file, string prefix, HashSet<string> read)
    {
        File = file;
        Prefix = prefix;
        this.read = read;
    }

    public SafeTensorsFile File { get; }

    public string Prefix { get; }

    public IReadOnlyDictionary<string, string> Metadata => File.Metadata;

    public IEnumerable<string> Names => File.Names;

    /// <summary>The tensors not read so far, in file order.</summary>
    public IEnumerable<string> Unread => File.Names.Where(name => !read.Contains(name));

    public bool Contains(string name) => File.Contains(name);

    /// <summary>The same file reported under another prefix (a second run of it, e.g. with legacy weight names).</summary>
    public ReferenceFile WithPrefix(string prefix) => new(File, prefix, read);

    /// <summary>A reference tensor (an input or an expected output); a missing one is the fixture's fault, not ours.</summary>
    public Tensor Load(string name, ScalarType? dtype = null)
    {
        if (!Contains(name))
            throw new InputException($"{File.Path} has no tensor '{name}', which this fixture kind needs");
        read.Add(name);
        return File.Load(name, dtype);
    }

    public string Meta(string key) =>
        Metadata.TryGetValue(key, out var value)
            ? value
            : throw new InputException($"{File.Path} has no __metadata__ entry '{key}', which this fixture kind needs");

    public string QualifiedName(string name) => Prefix + name;
}
