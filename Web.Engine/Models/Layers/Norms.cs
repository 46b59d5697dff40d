using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Layers;

/// <summary>
/// Normalisation layers with PyTorch's initial values. TorchSharp 0.107.0's <c>nn.GroupNorm</c> leaves its
/// affine weight and bias uninitialised (whatever the allocator returned, often denormals or 1e36), which
/// loading a checkpoint hides but training from scratch and random-weight benchmarks do not. Every model
/// builds its GroupNorms here. See docs/decisions/0003-torchsharp-groupnorm-init.md.
/// </summary>
public static class Norms
{
    public static nn.Module<Tensor, Tensor> GroupNorm(long groups, long channels, double eps = 1e-5, bool affine = true, Device? device = null)
    {
        var norm = nn.GroupNorm(groups, channels, eps, affine, device: device);
        if (affine)
            ResetAffine(norm);
        return norm;
    }

    /// <summary>Sets weight to 1 and bias to 0 for every GroupNorm inside a module tree.</summary>
    public static void ResetGroupNorms(nn.Module module)
    {
        foreach (var (_, child) in module.named_modules())
            if (child is TorchSharp.Modules.GroupNorm)
                ResetAffine(child);
    }

    private static void ResetAffine(nn.Module norm)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in norm.named_parameters(recurse: false))
        {
            if (parameter.device.type == DeviceType.META)
                continue;
            if (name == "weight")
                InPlace.Apply(parameter, p => p.fill_(Scalars.One));
            else if (name == "bias")
                InPlace.Apply(parameter, p => p.zero_());
        }
    }
}
