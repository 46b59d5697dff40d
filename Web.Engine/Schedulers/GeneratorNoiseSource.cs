using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// Noise from a torch <see cref="Generator"/>, drawn like diffusers' <c>randn_tensor</c>: on the
/// generator's device, then moved, so a CPU generator gives the same numbers whatever device the model
/// runs on. LibTorch's CPU generator is the same Mersenne Twister as PyTorch's, so an equal seed and an
/// equal sequence of draws give PyTorch's numbers.
/// </summary>
public sealed class GeneratorNoiseSource : INoiseSource, IDisposable
{
    private readonly Generator? generator;
    private readonly bool ownsGenerator;

    /// <summary>A fresh generator seeded with <paramref name="seed"/>, owned by this source.</summary>
    public GeneratorNoiseSource(long seed, Device? device = null)
    {
        generator = new Generator(unchecked((ulong)seed), device ?? CPU);
        ownsGenerator = true;
    }

    /// <summary>Shares the caller's generator, e.g. the one that drew the initial latents, as a diffusers pipeline does.</summary>
    public GeneratorNoiseSource(Generator generator)
    {
        this.generator = generator;
    }

    private GeneratorNoiseSource()
    {
    }

    /// <summary>LibTorch's process-wide default generator (diffusers with <c>generator=None</c>): not reproducible.</summary>
    public static GeneratorNoiseSource ProcessDefault { get; } = new();

    public Tensor Next(long[] shape, ScalarType dtype, Device device)
    {
        if (generator is null)
            return randn(shape, dtype, device);
        var drawn = randn(shape, dtype, generator.device, generator: generator);
        if (drawn.device_type == device.type && drawn.device_index == device.index)
            return drawn;
        using (drawn)
            return drawn.to(device);
    }

    public void Dispose()
    {
        if (ownsGenerator)
            generator?.Dispose();
    }
}
