using System.Text.Json;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Audio;

/// <summary>The transformers ClapFeatureExtractor fixtures in shared/parity/clap-features (see their README).</summary>
internal static class ClapFeatureFixtures
{
    public sealed record Case(string Name, string Waveform, int Start, int Length, int? ForcedCropOffset, bool IsLonger);

    public static string PathOf(string file) => SharedData.PathOf("parity", "clap-features", file);

    public static IReadOnlyList<Case> Cases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(PathOf("cases.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("name").GetString()!,
            c.GetProperty("waveform").GetString()!,
            c.GetProperty("waveform_start").GetInt32(),
            c.GetProperty("waveform_length").GetInt32(),
            c.GetProperty("forced_crop_offset").ValueKind == JsonValueKind.Null ? null : c.GetProperty("forced_crop_offset").GetInt32(),
            c.GetProperty("is_longer")[0][0].GetBoolean())).ToList();
    }

    public static ClapFeatureExtractorConfig Config() =>
        ConfigJson.Parse<ClapFeatureExtractorConfig>(
            JsonDocument.Parse(File.ReadAllText(PathOf("cases.json"))).RootElement.GetProperty("extractor_config").GetRawText(),
            "cases.json extractor_config");

    public static float[] Floats(string file, string name)
    {
        using var weights = SafeTensorsFile.Open(PathOf(file));
        using var tensor = weights.Load(name);
        return tensor.data<float>().ToArray();
    }

    public static double[] Doubles(string file, string name)
    {
        using var weights = SafeTensorsFile.Open(PathOf(file));
        using var tensor = weights.Load(name, ScalarType.Float64);
        return tensor.data<double>().ToArray();
    }
}
