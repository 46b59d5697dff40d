using System.Globalization;
using System.Text.Json;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights.Lora;

/// <summary>
/// A LoRA file in one of the two layouts Stable Diffusion users have: PEFT's, as diffusers' <c>save_lora_weights</c>
/// writes it (<c>unet.&lt;module path&gt;.lora_A.weight</c> [r, in], <c>.lora_B.weight</c> [out, r], alpha in the
/// <c>lora_adapter_metadata</c> JSON as <c>unet.lora_alpha</c>), and kohya's (<c>lora_unet_&lt;path with _&gt;.lora_down.weight</c>,
/// <c>.lora_up.weight</c>, <c>.alpha</c>, and <c>lora_te_</c> for the text encoder). Every tensor is read into
/// float32 on the CPU; the keys are resolved against a model by <see cref="LoraTargets"/>. LyCORIS layouts (LoHa,
/// LoKr, DoRA, full diffs) are refused with the key that shows them.
/// </summary>
public sealed class LoraFile : IDisposable
{
    public const string PeftMetadataKey = "lora_adapter_metadata";
    public const string DiffusersFileName = "pytorch_lora_weights.safetensors";

    private static readonly string[] LycorisMarkers =
        ["hada_w1", "hada_w2", "hada_t1", "hada_t2", "lokr_w1", "lokr_w2", "lokr_t2", "oft_blocks", "oft_diag", "lora_mid", "dora_scale",
         "lora_magnitude_vector", ".diff", ".diff_b", "boft_"];

    private LoraFile(string path, string format, IReadOnlyList<RawUpdate> updates)
    {
        Path = path;
        Format = format;
        Updates = updates;
    }

    public string Path { get; }

    /// <summary><c>peft</c> or <c>kohya</c>.</summary>
    public string Format { get; }

    internal IReadOnlyList<RawUpdate> Updates { get; }

    /// <summary>An update as the file names it, before it is matched to a module.</summary>
    /// <param name="Kohya">True for a kohya name (<c>lora_unet_down_blocks_0_...</c>), false for a PEFT path.</param>
    internal sealed record RawUpdate(string Key, string Component, string Name, bool Kohya, Tensor Down, Tensor Up, double Alpha)
    {
        public long Rank => Down.shape[0];
    }

    public static LoraFile Read(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"LoRA file not found: {path}");
        using var file = SafeTensorsFile.Open(path);
        var names = file.Names.ToList();
        if (names.FirstOrDefault(n => LycorisMarkers.Any(m => n.Contains(m, StringComparison.Ordinal))) is { } lycoris)
            throw new InputException($"{path} is a LyCORIS file (key '{lycoris}'): only plain LoRA (lora_down/lora_up or lora_A/lora_B) can be applied");
        var alphas = PeftAlphas(file.Metadata, path);
        var updates = new List<RawUpdate>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var name in names)
            {
                var (down, up, kohya) = name switch
                {
                    _ when name.EndsWith(".lora_down.weight", StringComparison.Ordinal) => (name, name[..^".lora_down.weight".Length] + ".lora_up.weight", true),
                    _ when name.EndsWith(".lora_A.weight", StringComparison.Ordinal) => (name, name[..^".lora_A.weight".Length] + ".lora_B.weight", false),
                    _ => (null, null, false),
                };
                if (down is null || up is null)
                    continue;
                var module = kohya ? down[..^".lora_down.weight".Length] : down[..^".lora_A.weight".Length];
                if (!file.Contains(up))
                    throw new InputException($"{path}: '{down}' has no matching '{up}'");
                var (component, inner) = Split(module, kohya, path);
                var downTensor = file.Load(down, ScalarType.Float32);
                var upTensor = file.Load(up, ScalarType.Float32);
                var alphaKey = module + ".alpha";
                var rank = downTensor.shape[0];
                double alpha = file.Contains(alphaKey)
                    ? ReadAlpha(file, alphaKey)
                    : alphas.GetValueOrDefault(component)?.For(inner) ?? rank;
                updates.Add(new RawUpdate(module, component, inner, kohya, downTensor, upTensor, alpha));
                used.Add(down);
                used.Add(up);
                if (file.Contains(alphaKey))
                    used.Add(alphaKey);
            }
            if (names.FirstOrDefault(n => !used.Contains(n)) is { } stray)
                throw new InputException($"{path}: key '{stray}' is not part of a LoRA pair (lora_down/lora_up, lora_A/lora_B, alpha)");
            if (updates.Count == 0)
                throw new InputException($"{path} holds no LoRA weights");
            var format = updates.All(u => u.Kohya) ? "kohya" : updates.All(u => !u.Kohya) ? "peft" : "mixed";
            return new LoraFile(path, format, updates);
        }
        catch
        {
            foreach (var update in updates)
            {
                update.Down.Dispose();
                update.Up.Dispose();
            }
            throw;
        }
    }

    /// <summary>
    /// Writes PEFT's layout for diffusers' <c>load_lora_weights</c>: <c>&lt;component&gt;.&lt;module path&gt;.lora_A.weight</c>
    /// and <c>.lora_B.weight</c>, with rank, alpha and the target modules in the <c>lora_adapter_metadata</c> JSON.
    /// </summary>
    public static void SavePeft(string path, string component, IEnumerable<(string ModulePath, Tensor A, Tensor B)> layers, int rank,
        double alpha, IReadOnlyList<string> targetModules)
    {
        var tensors = new List<(string, Tensor)>();
        foreach (var (modulePath, a, b) in layers)
        {
            tensors.Add(($"{component}.{modulePath}.lora_A.weight", a));
            tensors.Add(($"{component}.{modulePath}.lora_B.weight", b));
        }
        var config = new Dictionary<string, object>
        {
            [$"{component}.r"] = rank,
            [$"{component}.lora_alpha"] = alpha == Math.Floor(alpha) ? (object)(long)alpha : alpha,
            [$"{component}.target_modules"] = targetModules,
        };
        SafeTensorsWriter.Save(path, tensors, new Dictionary<string, string>
        {
            ["format"] = "pt",
            [PeftMetadataKey] = JsonSerializer.Serialize(config),
        });
    }

    private static (string Component, string Inner) Split(string module, bool kohya, string path)
    {
        foreach (var (prefix, component) in kohya
            ? new[] { ("lora_unet_", "unet"), ("lora_te_", "text_encoder") }
            : new[] { ("unet.", "unet"), ("text_encoder.", "text_encoder") })
            if (module.StartsWith(prefix, StringComparison.Ordinal))
                return (component, module[prefix.Length..]);
        throw new InputException($"{path}: key '{module}' names neither the UNet nor the text encoder " +
            (kohya ? "(kohya keys start lora_unet_ or lora_te_)" : "(PEFT keys start unet. or text_encoder.)"));
    }

    private static double ReadAlpha(SafeTensorsFile file, string key)
    {
        using var alpha = file.Load(key, ScalarType.Float64);
        if (alpha.numel() != 1)
            throw new InputException($"{file.Path}: '{key}' should hold one number, not {alpha.numel()}");
        var value = alpha.item<double>();
        if (!(value > 0 && double.IsFinite(value)))
            throw new InputException($"{file.Path}: '{key}' is {value}; alpha must be positive");
        return value;
    }

    /// <summary>PEFT's alpha per component from diffusers' metadata: <c>lora_alpha</c>, refined per module by <c>alpha_pattern</c>.</summary>
    private sealed record PeftAlpha(double? Alpha, IReadOnlyDictionary<string, double> Pattern)
    {
        public double? For(string modulePath)
        {
            foreach (var (pattern, value) in Pattern)
                if (modulePath == pattern || modulePath.EndsWith("." + pattern, StringComparison.Ordinal))
                    return value;
            return Alpha;
        }
    }

    private static Dictionary<string, PeftAlpha> PeftAlphas(IReadOnlyDictionary<string, string> metadata, string path)
    {
        var result = new Dictionary<string, PeftAlpha>(StringComparer.Ordinal);
        if (!metadata.TryGetValue(PeftMetadataKey, out var json))
            return result;
        try
        {
            using var document = JsonDocument.Parse(json);
            foreach (var component in new[] { "unet", "text_encoder" })
            {
                var root = document.RootElement;
                double? alpha = root.TryGetProperty($"{component}.lora_alpha", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : null;
                var pattern = new Dictionary<string, double>(StringComparer.Ordinal);
                if (root.TryGetProperty($"{component}.alpha_pattern", out var p) && p.ValueKind == JsonValueKind.Object)
                    foreach (var entry in p.EnumerateObject())
                        pattern[entry.Name] = entry.Value.GetDouble();
                if (alpha is not null || pattern.Count > 0)
                    result[component] = new PeftAlpha(alpha, pattern);
            }
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException)
        {
            throw new InputException($"{path}: its {PeftMetadataKey} metadata is not valid JSON ({error.Message})", error);
        }
        return result;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{System.IO.Path.GetFileName(Path)} ({Format}, {Updates.Count} modules)");

    public void Dispose()
    {
        foreach (var update in Updates)
        {
            update.Down.Dispose();
            update.Up.Dispose();
        }
    }
}
