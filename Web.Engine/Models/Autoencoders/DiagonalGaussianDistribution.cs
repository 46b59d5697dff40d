using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Autoencoders;

/// <summary>
/// The VAE posterior: the encoder's moments split on channels into mean and log-variance, the log-variance
/// clamped to [-30, 20]. Owns its tensors; dispose it when done.
/// </summary>
public sealed class DiagonalGaussianDistribution : IDisposable
{
    // diffusers' clamp of log σ², made once rather than as Scalars left to the finaliser (decision record 0010).
    private static readonly Scalar LogvarMin = (-30.0).ToScalar();
    private static readonly Scalar LogvarMax = 20.0.ToScalar();

    public DiagonalGaussianDistribution(Tensor parameters)
    {
        using var scope = NewDisposeScope();
        var moments = parameters.chunk(2, dim: 1);
        mean = moments[0];
        logvar = clamp(moments[1], LogvarMin, LogvarMax);
        std = exp(Scalars.Half * logvar);
        var = exp(logvar);
        scope.MoveToOuter(mean, logvar, std, var);
    }

    public Tensor mean { get; }
    public Tensor logvar { get; }
    public Tensor std { get; }
    public Tensor var { get; }

    /// <summary>
    /// mean + std·ε with ε ~ N(0, I) from <paramref name="generator"/> (the default generator when null). Like
    /// diffusers' randn_tensor, noise from a generator on another device is drawn there and moved, so a CPU seed
    /// gives the same latents on any device.
    /// </summary>
    public Tensor sample(Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var noiseDevice = generator?.device ?? mean.device;
        var noise = randn(mean.shape, dtype: mean.dtype, device: noiseDevice, generator: generator).to(mean.device);
        return scope.MoveToOuter(mean.add(std * noise, Scalars.One));
    }

    public Tensor mode() => mean.alias();

    public void Dispose()
    {
        mean.Dispose();
        logvar.Dispose();
        std.Dispose();
        var.Dispose();
    }
}
