using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Imaging;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// The seam between the evaluation run and the image generator. The run calls <see cref="Generate"/> once per
/// case and variant, one call at a time, on the thread that runs the evaluation. An implementation over the
/// diffusion pipeline maps the variant onto its audio settings (see <see cref="PairVariant"/>): text-only is
/// <c>AudioStrength.Off</c>; a null-level variant passes an <c>AudioLevelMask</c> with that level off; an
/// adapters-off variant sets that block group's strength to 0. The shuffled variant needs nothing special: the
/// run already puts another case's audio in the request.
/// </summary>
public interface IPairGenerator : IDisposable
{
    /// <summary>What generates the images (model, adapters, scheduler, steps), as the report should name it.</summary>
    string Description { get; }

    PairGeneration Generate(PairRequest request, CancellationToken cancellationToken = default);
}

/// <summary>One image to make.</summary>
/// <param name="CaseId">The evaluation case; also names the saved image.</param>
/// <param name="Prompt">The text prompt.</param>
/// <param name="Audio">The sound to condition on; null for <see cref="PairVariant.TextOnly"/>.</param>
/// <param name="Seed">The seed of the initial noise, the same for every variant of a case.</param>
public sealed record PairRequest(string CaseId, string Prompt, EvaluationAudio? Audio, long Seed, PairVariant Variant);

/// <summary>What the generator made.</summary>
/// <param name="AssignedRelation">The prompt-audio relation the pipeline assigned to the pair, if it classifies relations.</param>
/// <param name="Seconds">Wall-clock seconds the generation took.</param>
public sealed record PairGeneration(RgbImage Image, PromptAudioRelation? AssignedRelation, double Seconds);

/// <summary>
/// An evaluation sound: either a file (AudioCaps clips; the generator decodes it as it decodes uploads) or mono
/// samples made on first use (the demo world's synthesised scenes). <see cref="Id"/> names the case whose clip it is.
/// </summary>
public sealed class EvaluationAudio
{
    private readonly Lazy<float[]>? samples;

    private EvaluationAudio(string id, string? path, Lazy<float[]>? samples, int sampleRate)
    {
        Id = id;
        Path = path;
        this.samples = samples;
        SampleRate = sampleRate;
    }

    public string Id { get; }

    /// <summary>The audio file, or null when the sound is given as samples.</summary>
    public string? Path { get; }

    /// <summary>Rate of <see cref="Samples"/> in Hz; 0 for a file.</summary>
    public int SampleRate { get; }

    /// <summary>Mono samples in [-1, 1], made on first access; null for a file.</summary>
    public float[]? Samples => samples?.Value;

    public static EvaluationAudio FromFile(string id, string path) => new(id, path, null, 0);

    public static EvaluationAudio FromSamples(string id, Func<float[]> make, int sampleRate) =>
        new(id, null, new Lazy<float[]>(make, LazyThreadSafetyMode.ExecutionAndPublication), sampleRate);
}
