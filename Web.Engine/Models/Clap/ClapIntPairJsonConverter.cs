using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// transformers accepts <c>patch_size</c> and <c>patch_stride</c> either as one int (used for both axes) or as a
/// [height, width] pair; this reads both forms into a pair.
/// </summary>
public sealed class ClapIntPairJsonConverter : JsonConverter<IReadOnlyList<int>>
{
    public override IReadOnlyList<int> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            var value = reader.GetInt32();
            return [value, value];
        }
        var pair = JsonSerializer.Deserialize<int[]>(ref reader, options);
        if (pair is not { Length: 2 })
            throw new JsonException("expected an int or a list of two ints");
        return pair;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<int> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToArray(), options);
}
