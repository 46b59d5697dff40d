using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// The practical float32 ceiling of this machine: GFLOP/s of one large square matrix multiply (2n³ FLOPs),
/// which LibTorch runs at close to the BLAS library's peak.
/// </summary>
public static class MatmulCeiling
{
    public static (double Gflops, Timing.Result Timing) Measure(long n, int warmup, int repeats, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var a = randn([n, n], generator: generator);
        using var b = randn([n, n], generator: generator);
        using var _ = no_grad();
        var timing = Timing.Measure(() =>
        {
            using var product = matmul(a, b);
        }, warmup, repeats);
        return (2.0 * n * n * n / (timing.MedianMs / 1000) / 1e9, timing);
    }
}
