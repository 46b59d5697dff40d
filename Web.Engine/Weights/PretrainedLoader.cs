using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights.Layouts;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// The common tail of every model's <c>FromPretrained</c>: find the weights, build the module on the CPU in
/// float32, load it strictly (half-precision files are cast on the way in), move and cast it to the run's
/// target, and freeze it for inference (eval mode, no parameter gradients; gradients still flow through it
/// to trainable inputs).
/// </summary>
public static class PretrainedLoader
{
    public static T Load<T>(string folder, ComputeTarget? target, Func<Device, T> build,
        string weightsBaseName = WeightFiles.Diffusers, string? weightsFile = null, KeyTranslation? translation = null)
        where T : nn.Module
    {
        target ??= ComputeTarget.Cpu;
        var files = WeightFiles.Locate(folder, weightsBaseName, weightsFile);
        var model = build(CPU);
        try
        {
            using (var checkpoint = Checkpoint.Open(files, translation))
                StrictLoader.Load(model, checkpoint);
            if (target.Device.type != DeviceType.CPU || target.DType != ScalarType.Float32)
                model.to(target.Device, target.DType);
            model.eval();
            foreach (var parameter in model.parameters())
                parameter.requires_grad = false;
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
