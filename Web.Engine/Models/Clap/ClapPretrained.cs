using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>Builds a CLAP module on the target device, loads a transformers folder into it strictly, and freezes it.</summary>
internal static class ClapPretrained
{
    public static T Load<T>(string folder, ComputeTarget? target, Func<Device, T> create, Func<string, bool>? belongsElsewhere = null)
        where T : nn.Module
    {
        target ??= ComputeTarget.Cpu;
        var files = ModelFolder.WeightFiles(folder);
        var model = create(target.Device);
        try
        {
            using (var checkpoint = Checkpoint.Open(files))
                StrictLoader.Load(model, checkpoint, belongsElsewhere);
            if (target.DType != ScalarType.Float32)
                model.to(target.DType);
            Freeze(model);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>CLAP is a frozen encoder in this product: no gradients, BatchNorm on its running statistics.</summary>
    public static void Freeze(nn.Module model)
    {
        model.eval();
        foreach (var parameter in model.parameters())
            parameter.requires_grad = false;
    }

    /// <summary>Moves caller input to where the module's weights live (the feature extractor works on the CPU in float32).</summary>
    public static Tensor ToModel(Tensor input, Tensor weight) =>
        input.is_floating_point() ? input.to(weight.dtype, weight.device) : input.to(weight.device);
}
