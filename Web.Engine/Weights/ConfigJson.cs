using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// Reads the <c>config.json</c> / <c>scheduler_config.json</c> files that diffusers and transformers write.
/// Python's json module writes bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c>, which strict JSON
/// readers reject; they are accepted here. Unknown keys are ignored, so a config saved by a newer library
/// version still loads.
/// </summary>
public static class ConfigJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals | JsonNumberHandling.AllowReadingFromString,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static T Read<T>(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"config file not found: {path}");
        return Parse<T>(File.ReadAllText(path), path);
    }

    public static T Parse<T>(string text, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(QuoteNonFiniteLiterals(text), Options)
                ?? throw new InputException($"{source}: the config is empty (null)");
        }
        catch (JsonException error)
        {
            throw new InputException($"{source}: not a valid config ({error.Message})", error);
        }
    }

    public static JsonDocument ParseDocument(string text, string source)
    {
        try
        {
            return JsonDocument.Parse(QuoteNonFiniteLiterals(text));
        }
        catch (JsonException error)
        {
            throw new InputException($"{source}: not valid JSON ({error.Message})", error);
        }
    }

    /// <summary>Turns bare NaN / Infinity / -Infinity tokens (outside strings) into quoted literals.</summary>
    public static string QuoteNonFiniteLiterals(string json)
    {
        var output = new StringBuilder(json.Length + 16);
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                output.Append(c);
                if (c == '\\' && i + 1 < json.Length)
                    output.Append(json[++i]);
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"')
            {
                inString = true;
                output.Append(c);
                continue;
            }
            var literal = MatchLiteral(json, i);
            if (literal is not null)
            {
                output.Append('"').Append(literal).Append('"');
                i += literal.Length - 1;
                continue;
            }
            output.Append(c);
        }
        return output.ToString();
    }

    private static string? MatchLiteral(string json, int at)
    {
        foreach (var literal in (ReadOnlySpan<string>)["-Infinity", "Infinity", "NaN"])
            if (string.CompareOrdinal(json, at, literal, 0, literal.Length) == 0)
                return literal;
        return null;
    }
}
