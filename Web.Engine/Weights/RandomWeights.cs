using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// Seeded random weights for architecture tests and benchmarks, drawn like the diffusers parity fixtures so
/// every parameter matters: convolution and linear weights N(0, 1/fan_in), their biases 0.1·N(0, 1); norm
/// weights 1 + 0.1·N(0, 1), norm biases 0.1·N(0, 1). The same seed gives the same weights.
/// </summary>
public static class RandomWeights
{
    public static void Initialize(nn.Module module, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var (_, child) in module.named_modules().Prepend(("", module)))
        {
            var isNorm = child is GroupNorm or LayerNorm;
            foreach (var (name, parameter) in child.named_parameters(recurse: false))
            {
                if (parameter.device.type == DeviceType.META)
                    continue;
                var (mean, deviation) = isNorm ? (name == "weight" ? 1.0 : 0.0, 0.1)
                    : parameter.ndim >= 2 ? (0.0, 1.0 / Math.Sqrt(parameter.numel() / parameter.shape[0]))
                    : (0.0, 0.1);
                InPlace.Apply(parameter, p => p.normal_(mean, deviation, generator));
            }
        }
    }
}
