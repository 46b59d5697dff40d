using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// Imagen's dynamic thresholding (Saharia et al. 2022, arXiv:2205.11487): per sample, take s as the
/// given percentile of |x₀|, clamp s to [1, sample_max_value], clip x₀ to [−s, s] and divide by s.
/// Meant for pixel-space models; latent models such as SD leave it off.
/// </summary>
internal static class DynamicThresholding
{
    public static Tensor Apply(Tensor sample, double ratio, double sampleMaxValue)
    {
        using var scope = NewDisposeScope();
        var dtype = sample.dtype;
        var shape = sample.shape;
        // quantile and clamp need float32 or float64.
        var flat = (dtype is ScalarType.Float32 or ScalarType.Float64 ? sample : sample.to_type(ScalarType.Float32))
            .reshape(shape[0], -1);

        var abs_sample = flat.abs();
        var s = quantile(abs_sample, tensor(ratio, flat.dtype, flat.device), dim: 1);
        using var max_value = sampleMaxValue.ToScalar();
        s = s.clamp(Scalars.One, max_value).unsqueeze(1);
        var thresholded = minimum(maximum(flat, -s), s) / s;
        return thresholded.reshape(shape).to_type(dtype).MoveToOuterDisposeScope();
    }
}
