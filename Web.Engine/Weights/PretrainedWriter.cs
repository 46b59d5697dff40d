using System.Text.Json;
using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Weights.Layouts;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// Writes a module the way diffusers and transformers save one: <c>config.json</c> beside a safetensors file of
/// its state dict, so our own trained models (the demo) go through the same loaders as published checkpoints.
/// </summary>
public static class PretrainedWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <param name="dtype">Float32 or Float16 (half the size on disk; loaders cast back to the run's dtype).</param>
    public static void Save<TConfig>(nn.Module module, TConfig config, string folder, string weightsBaseName = WeightFiles.Diffusers,
        ScalarType dtype = ScalarType.Float32, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Directory.CreateDirectory(folder);
        var entries = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) { ["format"] = "pt" };
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var tensors = module.state_dict()
                .Where(kv => !DerivedBuffers.IsDerived(kv.Key))
                .Select(kv => (kv.Key, kv.Value.is_floating_point() ? kv.Value.detach().to(dtype).cpu() : kv.Value.detach().cpu()))
                .ToList();
            SafeTensorsWriter.Save(Path.Combine(folder, $"{weightsBaseName}.safetensors"), tensors, entries);
        }
        WriteJson(Path.Combine(folder, "config.json"), config);
    }

    /// <summary>Writes any JSON file atomically (temporary name, then rename).</summary>
    public static void WriteJson<T>(string path, T value)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, JsonSerializer.Serialize(value, Json));
        File.Move(temporary, path, overwrite: true);
    }
}
