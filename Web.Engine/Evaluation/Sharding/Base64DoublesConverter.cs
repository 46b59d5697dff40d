using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Evaluation.Sharding;

/// <summary>
/// A double[] as base64 of its little-endian bytes: exact (NaN and every last bit survive), and about half the
/// size of decimal text, which matters for a 2048x2048 scatter matrix.
/// </summary>
public sealed class Base64DoublesConverter : JsonConverter<double[]>
{
    public override double[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"expected a base64 string of float64 values, found {reader.TokenType}");
        var bytes = reader.GetBytesFromBase64();
        if (bytes.Length % sizeof(double) != 0)
            throw new JsonException($"{bytes.Length} bytes are not a whole number of float64 values");
        return LittleEndianValues.Read<double>(bytes);
    }

    public override void Write(Utf8JsonWriter writer, double[] value, JsonSerializerOptions options) =>
        writer.WriteBase64StringValue(LittleEndianValues.Bytes<double>(value));
}

/// <summary>A float[] as base64 of its little-endian bytes (see <see cref="Base64DoublesConverter"/>).</summary>
public sealed class Base64FloatsConverter : JsonConverter<float[]>
{
    public override float[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"expected a base64 string of float32 values, found {reader.TokenType}");
        var bytes = reader.GetBytesFromBase64();
        if (bytes.Length % sizeof(float) != 0)
            throw new JsonException($"{bytes.Length} bytes are not a whole number of float32 values");
        return LittleEndianValues.Read<float>(bytes);
    }

    public override void Write(Utf8JsonWriter writer, float[] value, JsonSerializerOptions options) =>
        writer.WriteBase64StringValue(LittleEndianValues.Bytes<float>(value));
}

/// <summary>The byte order of the shard format is little-endian on every machine.</summary>
internal static class LittleEndianValues
{
    public static T[] Read<T>(byte[] bytes) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("evaluation shard files are read on little-endian machines only");
        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    public static byte[] Bytes<T>(T[] values) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("evaluation shard files are written on little-endian machines only");
        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }
}
