using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity;

/// <summary>
/// One safetensors file of reference tensors. <see cref="Prefix"/> qualifies its tensor names in reports and in
/// <c>--out</c> files when a fixture holds several such files ("ddim/", "io_audio/"); it is empty when the fixture
/// has one.
/// </summary>
public sealed class ReferenceFile(SafeTensorsFile file, string prefix)
{
    public SafeTensorsFile File { get; } = file;

    public string Prefix { get; } = prefix;

    public string FileName => System.IO.Path.GetFileName(File.Path);

    public IReadOnlyDictionary<string, string> Metadata => File.Metadata;

    public IEnumerable<string> Names => File.Names;

    public bool Contains(string name) => File.Contains(name);

    /// <summary>A reference tensor (an input or an expected output); a missing one is the fixture's fault, not ours.</summary>
    public Tensor Load(string name, ScalarType? dtype = null) =>
        Contains(name)
            ? File.Load(name, dtype)
            : throw new InputException($"{File.Path} has no tensor '{name}', which this fixture kind needs");

    public string Meta(string key) =>
        Metadata.TryGetValue(key, out var value)
            ? value
            : throw new InputException($"{File.Path} has no __metadata__ entry '{key}', which this fixture kind needs");

    public string QualifiedName(string name) => Prefix + name;
}
