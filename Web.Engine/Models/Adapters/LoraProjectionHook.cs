using Clap2Diffusion.Engine.Models.Unets;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>Plugs the adapters' own LoRA into a UNet forward pass: each projection it covers gets its LoRA's update.</summary>
public sealed class LoraProjectionHook(IReadOnlyDictionary<string, LoraLinear> layers) : IProjectionHook
{
    public Tensor? Delta(string path, Tensor input) => layers.TryGetValue(path, out var layer) ? layer.forward(input) : null;
}
