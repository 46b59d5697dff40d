using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// Where a stochastic scheduler (DDIM with η &gt; 0, Euler with churn, Euler ancestral, SDE DPM-Solver++)
/// gets its Gaussian noise. Injectable so that a seed reproduces an image and tests can replay noise
/// recorded from diffusers.
/// </summary>
public interface INoiseSource
{
    /// <summary>A new tensor of standard normal samples; the caller owns it.</summary>
    Tensor Next(long[] shape, ScalarType dtype, Device device);
}
