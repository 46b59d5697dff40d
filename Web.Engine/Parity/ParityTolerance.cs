using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity;

/// <summary>
/// How close our output must be to a reference, in the allclose sense |a − b| ≤ atol + rtol·|b|. Where a fixture
/// README scales the bound with the reference's size (<c>1e-4·max(1, absmax)</c>), <see cref="ScaleWithMagnitude"/>
/// multiplies <see cref="Atol"/> by max(1, max|b|). Integer references are always compared exactly.
/// </summary>
public sealed record ParityTolerance(double Atol, double Rtol = 0, bool ScaleWithMagnitude = false)
{
    /// <summary>Bit-for-bit equality of floating-point values (constants copied from upstream, generator checks).</summary>
    public static ParityTolerance Identical { get; } = new(0);

    public static ParityTolerance Absolute(double atol, double rtol = 0) => new(atol, rtol);

    /// <summary>max|Δ| ≤ atol·max(1, max|reference|).</summary>
    public static ParityTolerance Scaled(double atol, double rtol = 0) => new(atol, rtol, ScaleWithMagnitude: true);

    public static ParityTolerance Relative(double rtol) => new(0, rtol);

    /// <summary>The absolute part for this reference.</summary>
    public double AtolFor(Tensor reference)
    {
        if (!ScaleWithMagnitude || reference.numel() == 0)
            return Atol;
        using var magnitude = reference.abs().max();
        return Atol * Math.Max(1, magnitude.to_type(ScalarType.Float64).item<double>());
    }
}
