using System.ComponentModel.DataAnnotations;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// The "Evaluation" section: the optional measuring models of evaluation runs. Without a CLIP folder there is
/// no CLIP score or alignment; without Inception weights no FID (the demo model's classifier then gives a
/// domain FID, labelled as such).
/// </summary>
public sealed class EvaluationOptions : IValidatableObject
{
    public const string Section = "Evaluation";

    /// <summary>A transformers CLIPModel folder with its tokenizer files.</summary>
    public string? ClipFolder { get; set; }

    /// <summary>pytorch-fid Inception weights (.pth or .safetensors).</summary>
    public string? FidWeights { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(ClipFolder) && !File.Exists(Path.Combine(ClipFolder, "config.json")))
            yield return new ValidationResult($"Evaluation:ClipFolder is '{ClipFolder}', which holds no config.json; give a CLIP folder or leave it empty.",
                [nameof(ClipFolder)]);
        if (!string.IsNullOrWhiteSpace(FidWeights) && !File.Exists(FidWeights))
            yield return new ValidationResult($"Evaluation:FidWeights is '{FidWeights}', which does not exist; give the Inception weights or leave it empty.",
                [nameof(FidWeights)]);
    }
}
