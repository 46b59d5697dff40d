namespace Clap2Diffusion.Server.Examples;

/// <summary>What a newcomer finds ready in the studio and the gallery ("Studio").</summary>
public sealed class ExampleOptions
{
    public const string Section = "Studio";

    /// <summary>
    /// Example sounds for a model other than the demo model: audio files (WAV, FLAC, MP3, Ogg), each with an optional
    /// <c>NAME.txt</c> beside it whose first line is the caption and whose further lines are suggested prompts
    /// (<c>matching: a dog in a park</c>). Empty: no examples for such a model, and the studio hides the panel.
    /// </summary>
    public string? ExamplesFolder { get; set; }

    /// <summary>On the demo model, an empty gallery starts with the showcase pairs, marked as examples.</summary>
    public bool SeedExamples { get; set; } = true;
}
