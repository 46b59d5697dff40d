using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity;

/// <summary>
/// Compares the activations a model reports to an activation observer with the fixture's <c>{prefix}{path}</c>
/// tensors as they are produced, once each, and reports the stored ones that never came as failures.
/// </summary>
public sealed class IntermediateChecks(ReferenceFile file, string prefix, ParityTolerance tolerance, ParityRun run)
{
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);

    public void Observe(string path, Tensor activation)
    {
        var name = prefix + path;
        if (file.Contains(name) && seen.Add(name))
            run.Compare(file, name, activation, tolerance);
    }

    public void ReportMissing()
    {
        foreach (var name in file.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && !seen.Contains(n)))
            run.NotProduced(file.QualifiedName(name));
    }
}
