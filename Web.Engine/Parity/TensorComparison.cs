using System.Globalization;
using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity;

/// <summary>
/// How far an output is from its reference, in the allclose sense |a - b| &lt;= atol + rtol·|b|.
/// Integer tensors (token ids, indices) must be equal exactly.
/// </summary>
public sealed record TensorComparison(string Name, double MaxAbs, double MaxRel, double Atol, double Rtol, bool Exact, bool Passed)
{
    public string Tolerance => Exact ? "exact" : string.Create(CultureInfo.InvariantCulture, $"atol={Atol:G3},rtol={Rtol:G3}");

    /// <summary>One report line, <c>name max_abs max_rel tolerance PASS|FAIL</c>, in invariant culture so scripts can parse it.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} {MaxAbs:G4} {MaxRel:G4} {Tolerance} {(Passed ? "PASS" : "FAIL")}");

    /// <summary>atol + rtol·|b|, as numpy's allclose bounds the difference.</summary>
    private static Tensor Tolerated(double atol, double rtol, Tensor b)
    {
        using var absolute = atol.ToScalar();
        return Scalars.Times(rtol, b.abs()).add(absolute, Scalars.One);
    }

    public static TensorComparison Compare(string name, Tensor actual, Tensor expected, double atol, double rtol)
    {
        if (!actual.shape.SequenceEqual(expected.shape))
            return new TensorComparison($"{name}(shape:[{string.Join(",", actual.shape)}]vs[{string.Join(",", expected.shape)}])",
                double.PositiveInfinity, double.PositiveInfinity, atol, rtol, false, false);

        using var scope = NewDisposeScope();
        var exact = !expected.is_floating_point();
        var a = actual.to_type(ScalarType.Float64).cpu();
        var b = expected.to_type(ScalarType.Float64).cpu();
        var difference = (a - b).abs();
        var maxAbs = difference.numel() == 0 ? 0 : difference.max().item<double>();
        using var tiny = 1e-12.ToScalar();
        var maxRel = difference.numel() == 0 ? 0 : (difference / b.abs().clamp_min(tiny)).max().item<double>();
        var nonFinite = a.isfinite().logical_not().any().item<bool>() != b.isfinite().logical_not().any().item<bool>();
        var passed = exact
            ? maxAbs == 0
            : !nonFinite && (difference <= Tolerated(atol, rtol, b)).all().item<bool>();
        return new TensorComparison(name, maxAbs, maxRel, atol, rtol, exact, passed);
    }
}
