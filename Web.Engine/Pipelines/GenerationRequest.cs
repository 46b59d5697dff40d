using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>A sound to condition on: its decoded samples, a display name, and optionally a fixed CLAP crop.</summary>
public sealed record AudioInput(AudioClip Clip, string Name, int? CropOffset = null);

/// <summary>
/// One generation for the engine: the <see cref="Settings"/> a person asked for (the same record the studio, the API
/// and the job row use), and the inputs they name, already read: the sound's samples, the starting image's pixels,
/// the LoRA files' paths. Build the settings from <c>ClapDiffusionPipeline.Defaults</c> so unset values are the
/// model's own; a null <c>Settings.Seed</c> is drawn at random and reported.
/// </summary>
public sealed record GenerationRequest
{
    public required GenerationSettings Settings { get; init; }

    public AudioInput? Audio { get; init; }

    /// <summary>
    /// The picture an edit starts from (img2img), noised to <c>Settings.Strength</c> and denoised from there; another
    /// size is scaled to cover the output and centre-cropped. <c>Settings.InitImage</c> names it in the metadata.
    /// </summary>
    public RgbImage? InitImage { get; init; }

    /// <summary>The file of each LoRA that <c>Settings.Loras</c> names, by that name.</summary>
    public IReadOnlyDictionary<string, string> LoraFiles { get; init; } = new Dictionary<string, string>();

    /// <summary>Which levels of the audio hierarchy reach the UNet; the evaluation's ablations switch one off.</summary>
    public AudioLevelMask HeardLevels { get; init; } = AudioLevelMask.All;

    /// <summary>Also make the text-only image from the same seed, so the pair differs only by the audio.</summary>
    public bool Pair { get; init; }

    /// <summary>Let the composition strategy adapt per-level audio strength to the prompt-audio relation.</summary>
    public bool AdaptToRelation { get; init; } = true;

    public int ClipSkip { get; init; }
}
