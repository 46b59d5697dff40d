using System.Text.Json;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Imaging;

/// <summary>
/// transformers' <c>CLIPImageProcessor</c> settings (<c>preprocessor_config.json</c>), defaulting to those of the
/// openai CLIP checkpoints and Stable Diffusion's <c>feature_extractor</c>.
/// </summary>
public sealed record CLIPImageProcessorConfig
{
    public const int PilBicubic = 3;

    public bool DoResize { get; init; } = true;

    /// <summary>Target of the shortest side (<c>size.shortest_edge</c>), or null when <see cref="ResizeHeight"/>/<see cref="ResizeWidth"/> apply.</summary>
    public int? ShortestEdge { get; init; } = 224;

    public int ResizeHeight { get; init; }

    public int ResizeWidth { get; init; }

    public bool DoCenterCrop { get; init; } = true;

    public int CropHeight { get; init; } = 224;

    public int CropWidth { get; init; } = 224;

    public bool DoRescale { get; init; } = true;

    public double RescaleFactor { get; init; } = 1.0 / 255.0;

    public bool DoNormalize { get; init; } = true;

    public IReadOnlyList<double> ImageMean { get; init; } = [0.48145466, 0.4578275, 0.40821073];

    public IReadOnlyList<double> ImageStd { get; init; } = [0.26862954, 0.26130258, 0.27577711];

    public static CLIPImageProcessorConfig Read(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"preprocessor config not found: {path}");
        using var document = ConfigJson.ParseDocument(File.ReadAllText(path), path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new InputException($"{path}: expected a JSON object");
        var defaults = new CLIPImageProcessorConfig();
        var resample = Int(root, "resample", path) ?? PilBicubic;
        if (resample != PilBicubic)
            throw new InputException($"{path}: resample {resample} is not supported; only PIL's BICUBIC (3) is reproduced");

        var config = defaults with
        {
            DoResize = Bool(root, "do_resize") ?? defaults.DoResize,
            DoCenterCrop = Bool(root, "do_center_crop") ?? defaults.DoCenterCrop,
            DoRescale = Bool(root, "do_rescale") ?? defaults.DoRescale,
            RescaleFactor = Number(root, "rescale_factor", path) ?? defaults.RescaleFactor,
            DoNormalize = Bool(root, "do_normalize") ?? defaults.DoNormalize,
            ImageMean = Triple(root, "image_mean", path) ?? defaults.ImageMean,
            ImageStd = Triple(root, "image_std", path) ?? defaults.ImageStd,
        };
        if (root.TryGetProperty("size", out var size))
            config = size.ValueKind == JsonValueKind.Object && !size.TryGetProperty("shortest_edge", out _)
                ? config with { ShortestEdge = null, ResizeHeight = Int(size, "height", path) ?? 0, ResizeWidth = Int(size, "width", path) ?? 0 }
                : config with { ShortestEdge = size.ValueKind == JsonValueKind.Object ? Int(size, "shortest_edge", path) : ReadInt(size, path) };
        if (root.TryGetProperty("crop_size", out var crop))
            config = crop.ValueKind == JsonValueKind.Object
                ? config with { CropHeight = Int(crop, "height", path) ?? 0, CropWidth = Int(crop, "width", path) ?? 0 }
                : config with { CropHeight = ReadInt(crop, path), CropWidth = ReadInt(crop, path) };
        config.Validate(path);
        return config;
    }

    public void Validate(string source)
    {
        const int limit = 8192;
        var sizes = DoResize ? (ShortestEdge is { } edge ? [edge] : new[] { ResizeHeight, ResizeWidth }) : [];
        if (DoCenterCrop)
            sizes = [.. sizes, CropHeight, CropWidth];
        if (sizes.Any(s => s is <= 0 or > limit))
            throw new InputException($"{source}: image sizes must be between 1 and {limit}");
        if (ImageMean.Count != 3 || ImageStd.Count != 3 || ImageStd.Any(s => !(s > 0)))
            throw new InputException($"{source}: image_mean and image_std need three values each, the std ones positive");
    }

    private static bool? Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    private static double? Number(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new InputException($"{path}: {name} must be a number")
            : null;

    private static int? Int(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? ReadInt(value, path) : null;

    private static int ReadInt(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new InputException($"{path}: expected a whole number, found {value.GetRawText()}");

    private static IReadOnlyList<double>? Triple(JsonElement root, string name, string path)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
            throw new InputException($"{path}: {name} must be a list of numbers");
        return value.EnumerateArray().Select(v => v.GetDouble()).ToList();
    }
}
