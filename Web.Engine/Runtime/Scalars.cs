using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Runtime;

/// <summary>
/// Constant Scalars that live as long as the process. A C# number handed to TorchSharp becomes a Scalar that nobody
/// disposes, and the finaliser thread frees it while LibTorch may still read it (decision record 0010); these are
/// made once and never freed (.NET runs no finalisers at exit), and LibTorch only reads them, so any thread may
/// share them. Each keeps the C# type of the literal it replaces (an int Scalar keeps integer tensors integer).
/// </summary>
public static class Scalars
{
    public static readonly Scalar Zero = 0.ToScalar();
    public static readonly Scalar One = 1.ToScalar();
    public static readonly Scalar MinusOne = (-1).ToScalar();
    public static readonly Scalar Two = 2.ToScalar();
    public static readonly Scalar Max8Bit = 255.ToScalar();

    public static readonly Scalar OneDouble = 1.0.ToScalar();
    public static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>coefficient·x, as the <c>*</c> operator computes it (x.mul), with its Scalar freed here.</summary>
    public static Tensor Times(double coefficient, Tensor x)
    {
        using var c = coefficient.ToScalar();
        return x.mul(c);
    }

    /// <summary>x/divisor, as the <c>/</c> operator computes it (x.div), with its Scalar freed here.</summary>
    public static Tensor DividedBy(Tensor x, double divisor)
    {
        using var d = divisor.ToScalar();
        return x.div(d);
    }
}
