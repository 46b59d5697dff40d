using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Evaluation.Sharding;

/// <summary>
/// The JSON of shard files: the report's snake_case, float arrays as base64, and strict reading: an unknown
/// property, a missing required one or a null where none belongs is an error rather than a default.
/// </summary>
public static class EvaluationShardJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new Base64DoublesConverter(), new Base64FloatsConverter(), new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, false) },
    };
}
