using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>The JSON both ends of the worker protocol write: the web's camelCase, enums by name (as the studio's API).</summary>
public static class WorkerJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
}
