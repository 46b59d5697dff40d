using System.Text.Json;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// transformers' <c>ClapFeatureExtractor</c> (<c>parity/clap-features</c>): the extractor configured from
/// <c>cases.json</c>'s <c>extractor_config</c> (read as a <c>preprocessor_config.json</c> would be) runs on each case's
/// stretch of its stored waveform, with the case's forced crop offset. Tolerances: features 1e-5 dB (the README's
/// advice for an extractor computing in double), <c>is_longer</c> exactly, the float64 filter bank and window 1e-15,
/// their float32 copies bit for bit.
/// </summary>
public sealed class ClapFeaturesParity : IParityKind
{
    private const string Cases = "cases.json";
    private const string Waveforms = "waveforms.safetensors";
    private const string Features = "features.safetensors";
    private const string Filters = "filters_f64.safetensors";

    public string Name => "clap-features";

    public string Layout => $"CLAP feature extractor: {Cases} (extractor_config, cases), {Waveforms}, {Features}, optional {Filters}";

    public bool Recognises(FixtureFolder folder) =>
        folder.Has(Cases) && folder.TryOpen(Waveforms) is not null
        && folder.MetadataOf(Features, "reference")?.Contains("ClapFeatureExtractor", StringComparison.Ordinal) == true;

    public void Run(FixtureFolder folder, ParityRun run)
    {
        var casesPath = folder.PathOf(Cases);
        using var index = ConfigJson.ParseDocument(File.ReadAllText(casesPath), casesPath);
        var root = index.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("extractor_config", out var configElement)
            || !root.TryGetProperty("cases", out var cases) || cases.ValueKind != JsonValueKind.Array)
            throw new InputException($"{casesPath} needs an \"extractor_config\" object and a \"cases\" array");
        var extractor = new ClapFeatureExtractor(
            ConfigJson.Parse<ClapFeatureExtractorConfig>(configElement.GetRawText(), $"{casesPath} extractor_config"));

        var waveforms = folder.Reference(Waveforms, "waveforms/");
        var features = folder.Reference(Features, "features/");
        foreach (var @case in cases.EnumerateArray())
            RunCase(extractor, FeatureCase.Read(@case, casesPath), waveforms, features, run);

        CompareFilters(extractor, features, ScalarType.Float32, ParityTolerance.Identical, run);
        if (folder.TryOpen(Filters) is not null)
            CompareFilters(extractor, folder.Reference(Filters, "filters_f64/"), ScalarType.Float64, ParityTolerance.Absolute(1e-15), run);
    }

    private static void RunCase(ClapFeatureExtractor extractor, FeatureCase @case, ReferenceFile waveforms, ReferenceFile features, ParityRun run)
    {
        using var scope = NewDisposeScope();
        var samples = waveforms.Load(@case.Waveform, ScalarType.Float32).data<float>().ToArray();
        if (@case.Start < 0 || @case.Length < 1 || (long)@case.Start + @case.Length > samples.Length)
            throw new InputException($"case '{@case.Name}' takes samples {@case.Start} … {@case.Start + @case.Length} of '{@case.Waveform}', which has {samples.Length}");

        var ours = extractor.Extract(samples.AsSpan(@case.Start, @case.Length), @case.CropOffset ?? 0);
        run.Compare(features, @case.Features, ours.ToTensor(), ParityTolerance.Absolute(1e-5));
        run.Compare($"cases/{@case.Name}.is_longer", tensor(new[] { ours.IsLonger ? 1L : 0L }, [1, 1]),
            tensor(new[] { @case.IsLonger ? 1L : 0L }, [1, 1]), ParityTolerance.Identical);
    }

    private static void CompareFilters(ClapFeatureExtractor extractor, ReferenceFile file, ScalarType dtype, ParityTolerance tolerance, ParityRun run)
    {
        using var scope = NewDisposeScope();
        var bank = extractor.MelFiltersSlaney;
        var weights = new double[bank.FrequencyBins * bank.Mels];
        for (var bin = 0; bin < bank.FrequencyBins; bin++)
            for (var mel = 0; mel < bank.Mels; mel++)
                weights[bin * bank.Mels + mel] = bank[bin, mel];
        if (file.Contains("mel_filters_slaney"))
            run.Compare(file, "mel_filters_slaney", tensor(weights, [bank.FrequencyBins, bank.Mels]).to_type(dtype), tolerance);
        if (file.Contains("window"))
            run.Compare(file, "window", tensor(extractor.Window.ToArray()).to_type(dtype), tolerance);
    }

    private sealed record FeatureCase(string Name, string Waveform, int Start, int Length, int? CropOffset, bool IsLonger, string Features)
    {
        public static FeatureCase Read(JsonElement element, string source)
        {
            try
            {
                var name = element.GetProperty("name").GetString()!;
                var crop = element.GetProperty("forced_crop_offset");
                return new FeatureCase(name, element.GetProperty("waveform").GetString()!,
                    element.GetProperty("waveform_start").GetInt32(), element.GetProperty("waveform_length").GetInt32(),
                    crop.ValueKind == JsonValueKind.Null ? null : crop.GetInt32(),
                    element.GetProperty("is_longer")[0][0].GetBoolean(),
                    element.TryGetProperty("input_features", out var features) ? features.GetString()! : name);
            }
            catch (Exception error) when (error is KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
            {
                throw new InputException($"{source}: a case lacks one of name, waveform, waveform_start, waveform_length, " +
                    $"forced_crop_offset, is_longer ({error.Message})");
            }
        }
    }
}
