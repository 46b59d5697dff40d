using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Runtime;

/// <summary>
/// The device and dtype a run computes in. float32 on the CPU, where LibTorch's float16 convolutions are
/// hundreds of times slower; float16 on CUDA.
/// </summary>
public sealed record ComputeTarget(Device Device, ScalarType DType)
{
    public static ComputeTarget Cpu { get; } = new(CPU, ScalarType.Float32);

    public bool IsCuda => Device.type == DeviceType.CUDA;

    public static ComputeTarget Resolve(DeviceSettings settings)
    {
        settings.Validate();
        if (settings.Threads > 0)
            set_num_threads(settings.Threads);

        switch (settings.Device.ToLowerInvariant())
        {
            case "cpu":
                return Cpu;
            case "cuda":
                if (!cuda.is_available())
                    throw new InputException("Engine device 'cuda' was requested but no CUDA device is available " +
                        "(this build uses the CPU LibTorch unless built with -p:TorchBackend=cuda).");
                return new ComputeTarget(CUDA, ScalarType.Float16);
            default:
                return cuda.is_available() ? new ComputeTarget(CUDA, ScalarType.Float16) : Cpu;
        }
    }

    public override string ToString() => $"{Device.type.ToString().ToLowerInvariant()} {DType.ToString().ToLowerInvariant()}";
}
