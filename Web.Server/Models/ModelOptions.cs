using System.ComponentModel.DataAnnotations;

namespace Clap2Diffusion.Server.Models;

/// <summary>The "Models" section: the folders base model, CLAP and adapter folders may be chosen from.</summary>
public sealed class ModelOptions : IValidatableObject
{
    public const string Section = "Models";

    /// <summary>Model folders must lie under one of these (or under the training output folder, for checkpoints).</summary>
    public string[] Roots { get; set; } = [];

    /// <summary>Folders whose <c>*.safetensors</c> LoRA files (PEFT or kohya layout) jobs may apply.</summary>
    public string[] LoraRoots { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var root in LoraRoots)
            if (string.IsNullOrWhiteSpace(root) || !Directory.Exists(root))
                yield return new ValidationResult($"{Section}:{nameof(LoraRoots)}: the folder '{root}' does not exist; create it or remove it from the list.",
                    [nameof(LoraRoots)]);
    }
}
