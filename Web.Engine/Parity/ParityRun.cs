using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity;

/// <summary>
/// Collects the comparisons of one fixture run: resolves each tolerance (built-in, scaled by the reference, or
/// overridden), reports every comparison as it is made, and keeps our outputs under the reference names when asked.
/// </summary>
public sealed class ParityRun(ParityOptions options, Action<TensorComparison>? report = null, Action<string>? note = null) : IDisposable
{
    private readonly List<TensorComparison> comparisons = [];
    private readonly List<(string Name, Tensor Tensor)> outputs = [];
    private readonly List<string> notes = [];

    public ParityOptions Options { get; } = options;

    public IReadOnlyList<TensorComparison> Comparisons => comparisons;

    public int Failures => comparisons.Count(c => !c.Passed);

    /// <summary>What a kind said about its coverage (references it does not compare, and why).</summary>
    public IReadOnlyList<string> Notes => notes;

    /// <summary>Compares our tensor with the reference of that name in <paramref name="file"/>.</summary>
    public TensorComparison Compare(ReferenceFile file, string name, Tensor ours, ParityTolerance tolerance)
    {
        using var reference = file.Load(name);
        return Compare(file.QualifiedName(name), ours, reference, tolerance);
    }

    /// <summary>Compares our tensor with a reference already in hand (a slice, a derived value).</summary>
    public TensorComparison Compare(string name, Tensor ours, Tensor reference, ParityTolerance tolerance, bool keep = true)
    {
        var atol = Options.Atol ?? tolerance.AtolFor(reference);
        var rtol = Options.Rtol ?? tolerance.Rtol;
        var comparison = TensorComparison.Compare(name, ours, reference, atol, rtol);
        comparisons.Add(comparison);
        if (keep)
            Keep(name, ours, reference.dtype);
        report?.Invoke(comparison);
        return comparison;
    }

    /// <summary>Tells the user something about the coverage of this run (printed on stderr by the verb).</summary>
    public void Note(string message)
    {
        notes.Add(message);
        note?.Invoke(message);
    }

    /// <summary>A reference our implementation never produced (an intermediate no hook reported): a failure.</summary>
    public TensorComparison NotProduced(string name)
    {
        var comparison = new TensorComparison(name + "(not-produced)", double.NaN, double.NaN, 0, 0, false, false);
        comparisons.Add(comparison);
        report?.Invoke(comparison);
        return comparison;
    }

    /// <summary>Keeps our output for <see cref="SaveOutputs"/>, in the reference's dtype, replacing one of the same name.</summary>
    public void Keep(string name, Tensor ours, ScalarType dtype)
    {
        if (!Options.KeepOutputs)
            return;
        using var scope = NewDisposeScope();
        var copy = ours.detach().cpu().to_type(dtype).clone().contiguous().DetachFromDisposeScope();
        var index = outputs.FindIndex(o => o.Name == name);
        if (index < 0)
        {
            outputs.Add((name, copy));
            return;
        }
        outputs[index].Tensor.Dispose();
        outputs[index] = (name, copy);
    }

    public void SaveOutputs(string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (!Options.KeepOutputs)
            throw new InvalidOperationException("this run was not asked to keep its outputs");
        SafeTensorsWriter.Save(path, outputs, metadata);
    }

    public void Dispose()
    {
        foreach (var (_, tensor) in outputs)
            tensor.Dispose();
        outputs.Clear();
    }
}
