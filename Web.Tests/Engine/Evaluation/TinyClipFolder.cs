using System.Text.Json;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Tests.Engine.Clip;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

/// <summary>
/// The tiny CLIP fixture as a transformers folder: its weights, a byte-level vocabulary like ClipScoreTests',
/// and a 32-pixel image processor.
/// </summary>
internal static class TinyClipFolder
{
    public static string Write(string path)
    {
        Directory.CreateDirectory(path);
        foreach (var file in new[] { "config.json", "model.safetensors" })
            File.Copy(Path.Combine(ClipParity.Folder("clip_tiny"), file), Path.Combine(path, file));
        var vocabulary = new Dictionary<string, int>();
        for (var b = 0; b < 256; b++)
            vocabulary[ByteLevelBpe.SymbolOf((byte)b).ToString()] = b;
        for (var b = 0; b < 256; b++)
            vocabulary[ByteLevelBpe.SymbolOf((byte)b) + "</w>"] = 256 + b;
        vocabulary[CLIPTokenizer.StartOfText] = 998;
        vocabulary[CLIPTokenizer.EndOfText] = 999;
        File.WriteAllText(Path.Combine(path, "vocab.json"), JsonSerializer.Serialize(vocabulary));
        File.WriteAllText(Path.Combine(path, "merges.txt"), "#version: 0.2\n");
        File.WriteAllText(Path.Combine(path, "preprocessor_config.json"),
            """{"do_resize": true, "size": {"shortest_edge": 32}, "do_center_crop": true, "crop_size": {"height": 32, "width": 32}, "resample": 3}""");
        return path;
    }
}
