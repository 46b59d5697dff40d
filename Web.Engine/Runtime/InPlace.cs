using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Runtime;

/// <summary>
/// In-place tensor calls outside a dispose scope. TorchSharp returns a new tensor object from an in-place call (the
/// same storage, its own handle); left alone it reaches the finaliser, which frees it on another thread. Used where a
/// model's own parameters are set when it is built, before any scope of its caller.
/// </summary>
public static class InPlace
{
    /// <summary>Runs <paramref name="operation"/> on <paramref name="target"/> and disposes the object it returns (never the target itself).</summary>
    public static void Apply(Tensor target, Func<Tensor, Tensor> operation)
    {
        var result = operation(target);
        if (!ReferenceEquals(result, target))
            result.Dispose();
    }
}
