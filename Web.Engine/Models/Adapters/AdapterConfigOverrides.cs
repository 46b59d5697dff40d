using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>
/// <c>key=value</c> settings over an adapter config, by the config's JSON names (<c>lora_rank=4</c>,
/// <c>use_adapter_list=[false,true,true]</c>, <c>gate_activation=sigmoid</c>). A value is read as JSON, and as a
/// string when it is not JSON. An unknown key is refused with the list of known ones, a value of the wrong kind with
/// the kind its key takes.
/// </summary>
public static class AdapterConfigOverrides
{
    private static readonly Dictionary<string, Type> TypeByKey = typeof(V4AdapterConfig).GetProperties()
        .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
        .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name, p => p.PropertyType, StringComparer.Ordinal);

    /// <summary>Every key a config.json may set.</summary>
    public static IReadOnlyList<string> Keys { get; } = typeof(V4AdapterConfig).GetProperties()
        .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
        .OfType<string>()
        .ToList();

    public static V4AdapterConfig Apply(V4AdapterConfig config, IEnumerable<string> assignments)
    {
        var node = JsonSerializer.SerializeToNode(config)!.AsObject();
        var any = false;
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=');
            if (equals <= 0)
                throw new InputException($"--set '{assignment}' is not key=value");
            var key = assignment[..equals].Trim();
            if (!Keys.Contains(key))
                throw new InputException($"--set: '{key}' is not an adapter config key; keys are {string.Join(", ", Keys)}");
            var value = assignment[(equals + 1)..].Trim();
            node[key] = ParseValue(value);
            CheckKind(key, value, node[key]);
            any = true;
        }
        if (!any)
            return config;
        var result = ConfigJson.Parse<V4AdapterConfig>(node.ToJsonString(), "--set");
        result.Validate("--set");
        return result;
    }

    // Says which key and what it takes, where the whole config's deserialisation would only name a JSON path.
    private static void CheckKind(string key, string text, JsonNode? value)
    {
        var type = TypeByKey[key];
        try
        {
            if (value is null && Nullable.GetUnderlyingType(type) is null && type.IsValueType)
                throw new JsonException();
            value.Deserialize(type);
        }
        catch (JsonException)
        {
            throw new InputException($"--set {key}={text}: {key} takes {KindOf(type)}");
        }
    }

    private static string KindOf(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        var orNull = underlying is null ? "" : " (or null for the default)";
        type = underlying ?? type;
        var kind = type == typeof(bool) ? "true or false"
            : type == typeof(int) || type == typeof(long) ? "an integer"
            : type == typeof(double) ? "a number"
            : type == typeof(string) ? "a string"
            : type == typeof(int[]) ? "a list of integers, like [3, 5]"
            : type == typeof(bool[]) ? "a list of true/false, like [true, false, true]"
            : type == typeof(double[]) ? "a list of numbers, like [0.5, 0.3, 0.2]"
            : "a JSON object, like {\"down\": \"foreground\", \"mid\": \"full\", \"up\": \"ambience\"}";
        return kind + orNull;
    }

    private static JsonNode? ParseValue(string value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }
}
