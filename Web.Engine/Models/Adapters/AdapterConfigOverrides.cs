using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>
/// <c>key=value</c> settings over an adapter config, by the config's JSON names (<c>lora_rank=4</c>,
/// <c>use_adapter_list=[false,true,true]</c>, <c>gate_activation=sigmoid</c>). A value is read as JSON, and as a
/// string when it is not JSON. An unknown key is refused with the list of known ones.
/// </summary>
public static class AdapterConfigOverrides
{
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
            node[key] = ParseValue(assignment[(equals + 1)..].Trim());
            any = true;
        }
        if (!any)
            return config;
        var result = ConfigJson.Parse<V4AdapterConfig>(node.ToJsonString(), "--set");
        result.Validate("--set");
        return result;
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
