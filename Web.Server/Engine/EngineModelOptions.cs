using System.ComponentModel.DataAnnotations;
using Clap2Diffusion.Engine.Pipelines;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// The "Engine" section: which model the studio runs and where it computes. With no folders set it runs the
/// embedded demo model shipped beside the app.
/// </summary>
public sealed class EngineModelOptions : IValidatableObject
{
    public const string Section = "Engine";

    /// <summary>A diffusers pipeline folder; empty for the embedded demo model.</summary>
    public string? ModelFolder { get; set; }

    /// <summary>A transformers CLAP folder; empty for the model folder's <c>clap/</c>.</summary>
    public string? ClapFolder { get; set; }

    /// <summary>A V4 adapter folder; empty for the model folder's <c>adapters/</c>.</summary>
    public string? AdaptersFolder { get; set; }

    [RegularExpression("^(cpu|cuda|auto)$", ErrorMessage = "Engine:Device must be cpu, cuda or auto.")]
    public string Device { get; set; } = "auto";

    [Range(0, 256)]
    public int Threads { get; set; }

    /// <summary>
    /// <c>tuned</c>: the engine keeps freed tensor memory in the process instead of faulting it in again on every
    /// call (glibc only; elsewhere the log says so once); <c>default</c>: the allocator as the system ships it.
    /// </summary>
    [RegularExpression("^(tuned|default)$", ErrorMessage = "Engine:Allocator must be tuned or default.")]
    public string Allocator { get; set; } = Clap2Diffusion.Engine.Runtime.MemoryAllocator.Tuned;

    /// <summary>
    /// <c>auto</c>: LibTorch's oneDNN convolutions run where a start-up self-check finds them agreeing with its own
    /// kernels, and are switched off where not; <c>off</c>: never; <c>on</c>: without the check, for measuring
    /// (docs/decisions/0017-onednn-convolutions.md).
    /// </summary>
    [RegularExpression("^(auto|off|on)$", ErrorMessage = "Engine:OneDnn must be auto, off or on.")]
    public string OneDnn { get; set; } = Clap2Diffusion.Engine.Runtime.OneDnn.Auto;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, folder) in new[] { (nameof(ModelFolder), ModelFolder), (nameof(ClapFolder), ClapFolder), (nameof(AdaptersFolder), AdaptersFolder) })
            if (!string.IsNullOrWhiteSpace(folder) && !Directory.Exists(folder))
                yield return new ValidationResult($"Engine:{name} is '{folder}', which does not exist; give an existing folder or leave it empty for the demo model.", [name]);
        var model = string.IsNullOrWhiteSpace(ModelFolder) ? EmbeddedModel.DefaultFolder : ModelFolder;
        if (!File.Exists(Path.Combine(model, "model_index.json")))
            yield return new ValidationResult($"No diffusers model at '{model}' (model_index.json is missing); set Engine:ModelFolder or rebuild the demo model with `demo build`.", [nameof(ModelFolder)]);
    }
}
