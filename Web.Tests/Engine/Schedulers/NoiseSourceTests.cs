using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

public sealed class NoiseSourceTests
{
    [Fact]
    public void Seed_0_reproduces_pytorchs_first_normal_draws()
    {
        using var scope = NewDisposeScope();
        using var source = new GeneratorNoiseSource(0);

        // torch.manual_seed(0); torch.randn(3) in PyTorch.
        var drawn = source.Next([3], ScalarType.Float32, CPU);

        TensorAssert.Close(drawn, tensor(new[] { 1.5410f, -0.2934f, -2.1788f }), atol: 1e-4);
    }

    [Fact]
    public void Equal_seeds_give_equal_streams_and_a_shared_generator_keeps_counting()
    {
        using var scope = NewDisposeScope();
        using var first = new GeneratorNoiseSource(42);
        using var second = new GeneratorNoiseSource(42);
        using var generator = new Generator(42);
        var shared = new GeneratorNoiseSource(generator);
        long[] shape = [1, 4, 8, 8];

        var a1 = first.Next(shape, ScalarType.Float32, CPU);
        var a2 = first.Next(shape, ScalarType.Float32, CPU);

        TensorAssert.Close(second.Next(shape, ScalarType.Float32, CPU), a1, atol: 0);
        TensorAssert.Close(second.Next(shape, ScalarType.Float32, CPU), a2, atol: 0);
        Assert.False(a1.eq(a2).all().item<bool>());
        randn(shape, generator: generator).Dispose();
        TensorAssert.Close(shared.Next(shape, ScalarType.Float32, CPU), a2, atol: 0);
    }

    [Fact]
    public void Process_default_source_draws_the_requested_shape_and_dtype()
    {
        using var scope = NewDisposeScope();

        var drawn = GeneratorNoiseSource.ProcessDefault.Next([2, 3], ScalarType.Float64, CPU);

        Assert.Equal([2L, 3L], drawn.shape);
        Assert.Equal(ScalarType.Float64, drawn.dtype);
    }
}
