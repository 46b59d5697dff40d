using System.Text.Json.Serialization;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Composition;

/// <summary>A recognisable sound: a keyword a prompt may use and a phrase CLAP's text tower embeds.</summary>
public sealed record SoundAnchor([property: JsonPropertyName("keyword")] string Keyword, [property: JsonPropertyName("phrase")] string Phrase);

/// <summary>
/// The sounds the relation classifier knows, grouped by the V4 hierarchy level they belong to, with the
/// similarity thresholds that suit a CLAP checkpoint. A CLAP folder may carry its own
/// <c>composition.json</c> (the demo model does, with its world's words and calibrated thresholds); otherwise
/// a general set of common AudioSet sounds is used.
/// </summary>
public sealed record RelationAnchors
{
    public const string FileName = "composition.json";

    [JsonPropertyName("foreground")] public SoundAnchor[] Foreground { get; init; } = [];
    [JsonPropertyName("background")] public SoundAnchor[] Background { get; init; } = [];
    [JsonPropertyName("ambience")] public SoundAnchor[] Ambience { get; init; } = [];

    /// <summary>Cosine similarity (audio to an anchor phrase) from which the audio counts as containing that sound.</summary>
    [JsonPropertyName("audio_threshold")] public double AudioThreshold { get; init; } = 0.25;

    /// <summary>Cosine similarity (prompt to an anchor phrase) from which a prompt without the keyword still names the sound.</summary>
    [JsonPropertyName("prompt_threshold")] public double PromptThreshold { get; init; } = 0.6;

    /// <summary>Prompt-to-audio similarity from which a pair is matching even without a named anchor.</summary>
    [JsonPropertyName("match_threshold")] public double MatchThreshold { get; init; } = 0.45;

    public SoundAnchor[] Level(AudioLevel level) => level switch
    {
        AudioLevel.Foreground => Foreground,
        AudioLevel.Background => Background,
        _ => Ambience,
    };

    public static RelationAnchors ForClapFolder(string folder)
    {
        var path = Path.Combine(folder, FileName);
        return File.Exists(path) ? ConfigJson.Read<RelationAnchors>(path) : General;
    }

    /// <summary>Common AudioSet sounds: events in the foreground, steady sources behind, surroundings as ambience.</summary>
    public static RelationAnchors General { get; } = new()
    {
        Foreground =
        [
            new("dog", "a dog barking"), new("cat", "a cat meowing"), new("bird", "a bird chirping"), new("bell", "a bell ringing"),
            new("baby", "a baby crying"), new("person", "a person speaking"), new("man", "a man speaking"), new("woman", "a woman speaking"),
            new("door", "a door knocking"), new("horn", "a car horn honking"), new("siren", "a siren wailing"), new("gun", "a gunshot"),
            new("cow", "a cow mooing"), new("rooster", "a rooster crowing"), new("phone", "a phone ringing"), new("clock", "a clock ticking"),
        ],
        Background =
        [
            new("car", "a car engine running"), new("engine", "an engine idling"), new("traffic", "traffic noise"),
            new("crowd", "a crowd chattering"), new("cafe", "cafe chatter"), new("music", "music playing"),
            new("train", "a train passing"), new("airplane", "an airplane flying overhead"), new("machine", "a machine humming"),
            new("fan", "an air conditioner humming"),
        ],
        Ambience =
        [
            new("rain", "rain falling"), new("wind", "wind blowing"), new("sea", "sea waves crashing"), new("waves", "ocean waves"),
            new("thunder", "thunder rumbling"), new("stream", "a stream flowing"), new("forest", "forest ambience with birds"),
            new("fire", "a fire crackling"), new("beach", "waves on a beach"),
        ],
    };
}
