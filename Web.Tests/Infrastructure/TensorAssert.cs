using Clap2Diffusion.Engine.Parity;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Infrastructure;

public static class TensorAssert
{
    /// <summary>Asserts |actual - expected| &lt;= atol + rtol·|expected| everywhere; the message gives the error figures.</summary>
    public static TensorComparison Close(Tensor actual, Tensor expected, double atol, double rtol = 0, string name = "tensor")
    {
        var comparison = TensorComparison.Compare(name, actual, expected, atol, rtol);
        Assert.True(comparison.Passed, $"{comparison}");
        return comparison;
    }
}
