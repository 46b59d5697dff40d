using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// A config value that diffusers accepts either once for every block or as a list with one entry per block
/// (<c>attention_head_dim: 8</c> or <c>[5, 10, 20, 20]</c>).
/// </summary>
[JsonConverter(typeof(OneOrManyJsonConverterFactory))]
public sealed class OneOrMany<T>
{
    private readonly T[] values;

    private OneOrMany(T[] values, bool isOne)
    {
        this.values = values;
        IsOne = isOne;
    }

    public bool IsOne { get; }

    public IReadOnlyList<T> Values => values;

    public static OneOrMany<T> One(T value) => new([value], true);

    public static OneOrMany<T> Many(params T[] values) => new([.. values], false);

    public static implicit operator OneOrMany<T>(T value) => One(value);

    /// <summary>One value per block: the single value repeated, or the list, which must have one entry per block.</summary>
    public IReadOnlyList<T> PerBlock(int blocks, string name)
    {
        if (IsOne)
            return Enumerable.Repeat(values[0], blocks).ToArray();
        if (values.Length != blocks)
            throw new InputException($"config: '{name}' lists {values.Length} values but the model has {blocks} blocks");
        return values;
    }

    public override string ToString() => IsOne ? $"{values[0]}" : $"[{string.Join(", ", values)}]";
}

public sealed class OneOrManyJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(OneOrMany<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OneOrManyJsonConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
}

public sealed class OneOrManyJsonConverter<T> : JsonConverter<OneOrMany<T>>
{
    public override OneOrMany<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            var list = JsonSerializer.Deserialize<T[]>(ref reader, options)
                ?? throw new JsonException("expected a list");
            if (list.Length == 0)
                throw new JsonException("expected a value or a non-empty list");
            return OneOrMany<T>.Many(list);
        }
        var value = JsonSerializer.Deserialize<T>(ref reader, options);
        return value is null ? throw new JsonException("expected a value or a list, not null") : OneOrMany<T>.One(value);
    }

    public override void Write(Utf8JsonWriter writer, OneOrMany<T> value, JsonSerializerOptions options)
    {
        if (value.IsOne)
            JsonSerializer.Serialize(writer, value.Values[0], options);
        else
            JsonSerializer.Serialize(writer, value.Values, options);
    }
}
