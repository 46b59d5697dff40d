namespace Clap2Diffusion.Engine.Weights;

/// <summary>A key whose presence or shape differs between a model and a checkpoint.</summary>
public sealed record KeyProblem(string Key, long[]? Expected, long[]? Found);

/// <summary>The outcome of comparing the keys and shapes a model expects with those a checkpoint holds.</summary>
public sealed record WeightsComparison(
    IReadOnlyList<KeyProblem> Missing,
    IReadOnlyList<KeyProblem> Unexpected,
    IReadOnlyList<KeyProblem> Misshaped,
    IReadOnlyList<string> IgnoredDerived)
{
    public bool IsExactMatch => Missing.Count == 0 && Unexpected.Count == 0 && Misshaped.Count == 0;

    public IEnumerable<KeyProblem> Problems => Missing.Concat(Unexpected).Concat(Misshaped);
}
