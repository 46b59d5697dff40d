using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// transformers' <c>preprocessor_config.json</c> for <c>ClapFeatureExtractor</c>, with the class defaults
/// (which are not the laion/clap-htsat-unfused values: that file sets frequency_min 50 and truncation
/// "rand_trunc"). <c>nb_max_samples</c> is derived from max_length_s × sampling_rate, as the class does.
/// </summary>
public sealed record ClapFeatureExtractorConfig
{
    public const string FileName = "preprocessor_config.json";

    [JsonPropertyName("feature_size")]
    public int FeatureSize { get; init; } = 64;

    [JsonPropertyName("sampling_rate")]
    public int SamplingRate { get; init; } = 48_000;

    [JsonPropertyName("hop_length")]
    public int HopLength { get; init; } = 480;

    [JsonPropertyName("max_length_s")]
    public double MaxLengthS { get; init; } = 10;

    [JsonPropertyName("fft_window_size")]
    public int FftWindowSize { get; init; } = 1024;

    /// <summary>Used by transformers only to pad batches; the clip itself is always padded with zeros.</summary>
    [JsonPropertyName("padding_value")]
    public double PaddingValue { get; init; }

    [JsonPropertyName("return_attention_mask")]
    public bool ReturnAttentionMask { get; init; }

    [JsonPropertyName("frequency_min")]
    public double FrequencyMin { get; init; }

    [JsonPropertyName("frequency_max")]
    public double FrequencyMax { get; init; } = 14_000;

    /// <summary>
    /// Stored by transformers but never passed to its spectrogram, so it has no effect there; kept here for
    /// the same result.
    /// </summary>
    [JsonPropertyName("top_db")]
    public double? TopDb { get; init; }

    /// <summary>"rand_trunc" (a random 10 s crop) or "fusion" (the fused model's 4-channel input, not supported).</summary>
    [JsonPropertyName("truncation")]
    public string Truncation { get; init; } = "fusion";

    /// <summary>"repeatpad", "repeat" or "pad".</summary>
    [JsonPropertyName("padding")]
    public string Padding { get; init; } = "repeatpad";

    /// <summary>The laion/clap-htsat-unfused values.</summary>
    public static ClapFeatureExtractorConfig HtsatUnfused { get; } = new() { FrequencyMin = 50, Truncation = "rand_trunc" };

    /// <summary>Reads <c>preprocessor_config.json</c> from a model folder (or the file itself).</summary>
    public static ClapFeatureExtractorConfig Read(string folderOrFile)
    {
        var path = Directory.Exists(folderOrFile) ? Path.Combine(folderOrFile, FileName) : folderOrFile;
        return ConfigJson.Read<ClapFeatureExtractorConfig>(path);
    }

    /// <summary>The samples every clip is cropped or padded to.</summary>
    public int MaxSamples => (int)Math.Round(MaxLengthS * SamplingRate);

    internal void Validate()
    {
        static void Require(bool condition, string problem)
        {
            if (!condition)
                throw new InputException($"{FileName}: {problem}");
        }

        Require(FeatureSize > 0, $"feature_size must be positive (is {FeatureSize})");
        Require(SamplingRate > 0, $"sampling_rate must be positive (is {SamplingRate})");
        Require(HopLength > 0, $"hop_length must be positive (is {HopLength})");
        Require(FftWindowSize >= 2, $"fft_window_size must be at least 2 (is {FftWindowSize})");
        Require(MaxLengthS > 0 && MaxLengthS * SamplingRate <= int.MaxValue, $"max_length_s {MaxLengthS} is out of range");
        Require(Math.Abs(MaxLengthS * SamplingRate - MaxSamples) < 1e-9,
            $"max_length_s × sampling_rate = {MaxLengthS * SamplingRate} must be a whole number of samples");
        Require(MaxSamples + 2 * (FftWindowSize / 2) >= FftWindowSize, "max_length_s is shorter than one FFT window");
        Require(FrequencyMin >= 0 && FrequencyMin <= FrequencyMax,
            $"frequency_min {FrequencyMin} and frequency_max {FrequencyMax} must satisfy 0 <= min <= max");
        Require(Truncation is "rand_trunc" or "fusion", $"truncation '{Truncation}' is not one of rand_trunc, fusion");
        Require(Truncation != "fusion",
            "truncation 'fusion' belongs to the fused CLAP checkpoints (4-channel input); only the unfused models ('rand_trunc') are supported");
        Require(Padding is "repeatpad" or "repeat" or "pad", $"padding '{Padding}' is not one of repeatpad, repeat, pad");
    }
}
