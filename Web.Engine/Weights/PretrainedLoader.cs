using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>Builds a frozen module from a transformers/diffusers model folder (<see cref="ModelFolder"/>).</summary>
public static class PretrainedLoader
{
    /// <summary>
    /// Builds the module on the target's device, loads the folder's weights strictly, casts it to the target's
    /// dtype and prepares it for inference: eval mode, no gradients (every pretrained network in this product is frozen).
    /// </summary>
    public static T Load<T>(string folder, ComputeTarget? target, Func<Device, T> create, string weightsStem = "model")
        where T : nn.Module
    {
        target ??= ComputeTarget.Cpu;
        var files = ModelFolder.WeightFiles(folder, weightsStem);
        var module = create(target.Device);
        try
        {
            using (var checkpoint = Checkpoint.Open(files))
                StrictLoader.Load(module, checkpoint);
            if (target.DType != ScalarType.Float32)
                module.to(target.DType);
            module.eval();
            foreach (var parameter in module.parameters())
                parameter.requires_grad = false;
            return module;
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }
}
