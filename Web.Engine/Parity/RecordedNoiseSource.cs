using Clap2Diffusion.Engine.Schedulers;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity;

/// <summary>Replays noise that the reference's scheduler drew, one recorded draw per call, in order.</summary>
public sealed class RecordedNoiseSource(Tensor draws, string source) : INoiseSource
{
    public int Draws { get; private set; }

    public Tensor Next(long[] shape, ScalarType dtype, Device device)
    {
        if (Draws >= draws.shape[0])
            throw new InputException($"{source} records {draws.shape[0]} noise draws; the scheduler asked for draw {Draws + 1}");
        using var draw = draws[Draws++];
        if (!draw.shape.SequenceEqual(shape))
            throw new InputException($"{source}: recorded noise [{string.Join(", ", draw.shape)}] does not fit the sample [{string.Join(", ", shape)}]");
        return draw.to(dtype, device, copy: true);
    }
}
