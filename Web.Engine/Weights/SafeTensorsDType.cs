using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>The element types a safetensors header may name, with their sizes and torch equivalents.</summary>
public static class SafeTensorsDType
{
    private static readonly Dictionary<string, (ScalarType Type, int Size)> Known = new(StringComparer.Ordinal)
    {
        ["F64"] = (ScalarType.Float64, 8),
        ["F32"] = (ScalarType.Float32, 4),
        ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2),
        ["I64"] = (ScalarType.Int64, 8),
        ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2),
        ["I8"] = (ScalarType.Int8, 1),
        ["U8"] = (ScalarType.Byte, 1),
        ["BOOL"] = (ScalarType.Bool, 1),
    };

    public static IReadOnlyCollection<string> Names => Known.Keys;

    public static bool TryParse(string name, out ScalarType type, out int elementSize)
    {
        if (Known.TryGetValue(name, out var entry))
        {
            (type, elementSize) = entry;
            return true;
        }
        type = default;
        elementSize = 0;
        return false;
    }

    public static string NameOf(ScalarType type) => type switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentException($"safetensors has no element type for {type}", nameof(type)),
    };

    public static bool IsFloatingPoint(ScalarType type) =>
        type is ScalarType.Float64 or ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16;
}
