using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Models.Classifiers;

/// <summary>
/// Configuration of the demo world's attribute classifier: one head per attribute, each with its class names
/// in output order ("none" first for audio levels that may be absent).
/// </summary>
public sealed record SceneAttributeClassifierConfig
{
    [JsonPropertyName("image_size")]
    public int ImageSize { get; init; } = 64;

    [JsonPropertyName("channels")]
    public int[] Channels { get; init; } = [16, 32, 64, 128];

    [JsonPropertyName("norm_num_groups")]
    public int NormNumGroups { get; init; } = 8;

    [JsonPropertyName("heads")]
    public Dictionary<string, string[]> Heads { get; init; } = new();

    /// <summary>Width of the pooled features, the space a domain FID is computed in.</summary>
    [JsonIgnore]
    public int FeatureSize => Channels[^1];
}
