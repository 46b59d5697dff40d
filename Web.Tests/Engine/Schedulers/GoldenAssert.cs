using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

/// <summary>diffusers' scheduler-test assertions: |Σ|x| − sum| &lt; 1e-2 and |mean|x| − mean| &lt; 1e-3 (theirs, not ours).</summary>
internal static class GoldenAssert
{
    public static void SumAndMean(ITestOutputHelper output, string what, Tensor sample, double? expectedSum, double expectedMean,
        double sumTolerance = 1e-2, double meanTolerance = 1e-3)
    {
        var (sum, mean) = DiffusersTestData.SumAndMean(sample);
        output.WriteLine($"{what}: sum {sum:R} (diffusers {expectedSum?.ToString("R") ?? "-"}), mean {mean:R} (diffusers {expectedMean:R})");
        if (expectedSum is { } expected)
            Assert.True(Math.Abs(sum - expected) < sumTolerance, $"{what}: result_sum {sum} differs from diffusers' {expected} by more than {sumTolerance}");
        Assert.True(Math.Abs(mean - expectedMean) < meanTolerance, $"{what}: result_mean {mean} differs from diffusers' {expectedMean} by more than {meanTolerance}");
    }
}
