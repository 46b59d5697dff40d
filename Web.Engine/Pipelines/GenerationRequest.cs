using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>A sound to condition on: its decoded samples, a display name, and optionally a fixed CLAP crop.</summary>
public sealed record AudioInput(AudioClip Clip, string Name, int? CropOffset = null);

/// <summary>
/// An image to start from (img2img): noised to <see cref="Strength"/> and denoised from there. An image of another
/// size is scaled to cover the output and centre-cropped. <see cref="Name"/> is recorded in the output's metadata.
/// </summary>
public sealed record InitImageInput(RgbImage Image, double Strength = 0.75, string? Name = null);

/// <summary>A LoRA file (PEFT or kohya layout) to merge into the UNet and text encoder for one job, at a scale (1 = as trained).</summary>
public sealed record LoraInput(string Path, double Scale = 1.0)
{
    /// <summary>
    /// <c>FILE</c> or <c>FILE:SCALE</c>. The scale is what follows the last colon when it reads as a number, so paths
    /// with colons still work.
    /// </summary>
    public static LoraInput Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon > 0 && double.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var scale))
            return new LoraInput(text[..colon], scale);
        return new LoraInput(text);
    }
}

/// <summary>
/// Everything one generation needs. Unset values come from the model: steps from its settings, size from the
/// UNet's sample size times the VAE factor, the scheduler from its <c>scheduler/</c> folder, and a seed drawn at
/// random (and reported) when none is given.
/// </summary>
public sealed record GenerationRequest
{
    public required string Prompt { get; init; }
    public string NegativePrompt { get; init; } = "";
    public int? Steps { get; init; }
    public long? Seed { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }

    /// <summary>A <c>SchedulerFactory</c> name; null keeps the model's own scheduler.</summary>
    public string? Scheduler { get; init; }

    /// <summary>Classifier-free text guidance s_text; null takes the model's default.</summary>
    public double? TextScale { get; init; }

    /// <summary>Audio guidance s_audio, applied to (eps_text_audio - eps_text); null takes the model's default.</summary>
    public double? AudioScale { get; init; }

    public AudioStrength AudioStrength { get; init; } = new();
    public AudioLevelMask AudioLevels { get; init; } = AudioLevelMask.All;
    public AudioInput? Audio { get; init; }

    /// <summary>Also make the text-only image from the same seed, so the pair differs only by the audio.</summary>
    public bool Pair { get; init; }

    public InitImageInput? InitImage { get; init; }

    /// <summary>Let the composition strategy adapt per-level audio strength to the prompt-audio relation.</summary>
    public bool AdaptToRelation { get; init; } = true;

    public int ClipSkip { get; init; }

    /// <summary>LoRA files applied for this job only, in order; a scale of 0 leaves the image exactly as without it.</summary>
    public IReadOnlyList<LoraInput> Loras { get; init; } = [];
}
