using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>One tensor's entry in a safetensors header; offsets are relative to the start of the data.</summary>
public sealed record SafeTensorInfo(string Name, string DType, ScalarType Type, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (product, dim) => product * dim);

    public long ByteLength => End - Begin;

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
