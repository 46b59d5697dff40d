using System.ComponentModel.DataAnnotations;
using Clap2Diffusion.Engine.Pipelines;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// The "Safety" section: what the studio does with final images the model folder's safety checker flags. Empty
/// <see cref="Mode"/> means <c>block</c> when the folder has a checker and <c>off</c> when it has none (the demo model).
/// </summary>
public sealed class SafetyOptions
{
    public const string Section = "Safety";

    [RegularExpression("^(off|blur|block)?$",
        ErrorMessage = "Safety:Mode must be off, blur or block, or empty for block when the model has a safety checker and off when it has none.")]
    public string? Mode { get; set; }

    /// <summary>Live previews are coarse latent previews and are not checked; this blurs them all for operators who want more.</summary>
    public bool BlurPreviews { get; set; }

    public SafetyMode? Requested => string.IsNullOrEmpty(Mode) ? null : SafetyModes.Parse(Mode, "Safety:Mode");
}
