using Clap2Diffusion.Engine.Schedulers;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

/// <summary>Hands out recorded noise, one slice of <c>[draws, …]</c> per draw, and fails on an extra draw or a shape mismatch.</summary>
internal sealed class ReplayNoiseSource(Tensor recorded) : INoiseSource
{
    public int Draws { get; private set; }

    public Tensor Next(long[] shape, ScalarType dtype, Device device)
    {
        Assert.True(Draws < recorded.shape[0], $"the scheduler drew noise {Draws + 1} times; {recorded.shape[0]} draws were recorded");
        var draw = recorded[Draws++];
        Assert.Equal(shape, draw.shape);
        return draw.to_type(dtype).to(device);
    }
}
