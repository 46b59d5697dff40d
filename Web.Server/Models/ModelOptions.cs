namespace Clap2Diffusion.Server.Models;

/// <summary>The "Models" section: the folders model, adapter and gate-set folders may be chosen from.</summary>
public sealed class ModelOptions
{
    public const string Section = "Models";

    /// <summary>Model folders must lie under one of these (or under the training output folder, for checkpoints).</summary>
    public string[] Roots { get; set; } = [];
}
