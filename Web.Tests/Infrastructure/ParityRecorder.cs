using Clap2Diffusion.Engine.Models;
using Clap2Diffusion.Engine.Parity;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Infrastructure;

/// <summary>
/// Compares a model's observed activations with the fixture's <c>{prefix}{path}</c> tensors as the forward pass
/// produces them, at the fixture README's tolerance max|Δ| ≤ relative·max(1, absmax(reference)).
/// </summary>
public sealed class ParityRecorder(SafeTensorsFile io, string prefix, double relative = 1e-4)
{
    private readonly List<TensorComparison> results = [];

    public IReadOnlyList<TensorComparison> Results => results;

    public ActivationObserver Observer => (path, activation) =>
    {
        var name = prefix + path;
        if (io.Contains(name))
            results.Add(Compare(name, activation));
    };

    public TensorComparison Compare(string name, Tensor actual)
    {
        using var expected = io.Load(name);
        var atol = relative * Math.Max(1.0, expected.abs().max().item<float>());
        return TensorComparison.Compare(name, actual, expected, atol, 0);
    }

    /// <summary>Every fixture tensor under the prefix was observed exactly once and within tolerance.</summary>
    public void AssertEveryIntermediateMatched()
    {
        var expected = io.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(expected, results.Select(r => r.Name).Order().ToList());
        Assert.All(results, r => Assert.True(r.Passed, r.ToString()));
    }
}
