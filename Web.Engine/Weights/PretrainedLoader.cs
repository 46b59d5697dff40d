using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights.Layouts;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>Builds a frozen module from a transformers/diffusers model folder (<see cref="ModelFolder"/>).</summary>
public static class PretrainedLoader
{
    /// <summary>
    /// Builds the module on the target's device, loads the folder's weights strictly (half-precision files are
    /// cast on the way in), casts it to the target's dtype and prepares it for inference: eval mode, no gradients
    /// (every pretrained network in this product is frozen; gradients still flow through it to trainable inputs).
    /// </summary>
    /// <param name="weightsStem"><see cref="WeightFiles.Transformers"/> (<c>model</c>) or <see cref="WeightFiles.Diffusers"/>.</param>
    /// <param name="weightsFile">A weights file or shard index to use instead of the usual names (relative to the folder).</param>
    /// <param name="translation">Loader renames for historical checkpoint names.</param>
    public static T Load<T>(string folder, ComputeTarget? target, Func<Device, T> create, string weightsStem = WeightFiles.Transformers,
        string? weightsFile = null, KeyTranslation? translation = null)
        where T : nn.Module
    {
        target ??= ComputeTarget.Cpu;
        var files = WeightFiles.Locate(folder, weightsStem, weightsFile);
        var module = create(target.Device);
        try
        {
            using (var checkpoint = Checkpoint.Open(files, translation))
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
