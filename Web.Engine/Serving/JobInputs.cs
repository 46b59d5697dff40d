using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Imaging;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// One queued job as an engine runs it, its inputs already read: the studio's in-process engine reads them from its
/// content store, a remote worker fetches them from the front end.
/// </summary>
/// <param name="Settings">Checked against the model's limits by the front end; <c>Seed</c> is always set.</param>
/// <param name="Audio">The clip of a pair (the front end stores mono 16-bit WAV); null for a text-only image.</param>
/// <param name="AudioName">The clip's file name, for the embedded parameters.</param>
/// <param name="InitImage">For an edit: the starting picture, already of the job's size.</param>
/// <param name="LoraFiles">LoRA name to a readable file of it, for every LoRA the settings name.</param>
/// <param name="Read">How long reading the inputs took, reported as the job's first stage.</param>
public sealed record JobInputs(
    GenerationSettings Settings,
    AudioClip? Audio,
    string? AudioName,
    RgbImage? InitImage,
    IReadOnlyDictionary<string, string> LoraFiles,
    TimeSpan Read)
{
    public long Seed => Settings.Seed ?? throw new InvalidOperationException("The front end sets the seed before a job runs.");

    /// <summary>The name of the reading stage, as the studio's timings show it.</summary>
    public string ReadStageName => InitImage is null ? "decode audio" : "decode audio and image";
}
