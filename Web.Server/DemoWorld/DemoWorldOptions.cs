using System.ComponentModel.DataAnnotations;
using Clap2Diffusion.Engine.Worlds;

namespace Clap2Diffusion.Server.DemoWorld;

/// <summary>
/// The "DemoWorld" section: where the demo world's training dataset is built on first use and how many clips
/// each split gets. The defaults build in about a minute on 2 cores; nothing here needs setting.
/// </summary>
public sealed class DemoWorldOptions : IValidatableObject
{
    public const string Section = "DemoWorld";

    /// <summary>The dataset folder; a relative path starts at the data folder.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "DemoWorld:Folder must name a folder (relative paths start at the data folder).")]
    public string Folder { get; set; } = Path.Combine("datasets", "demo-world");

    [Range(1, 100_000)]
    public int TrainClips { get; set; } = 400;

    [Range(0, 100_000)]
    public int ValClips { get; set; } = 50;

    [Range(0, 100_000)]
    public int TestClips { get; set; } = 50;

    /// <summary>The splits the dataset is built with.</summary>
    public IReadOnlyDictionary<string, int> Splits() =>
        new Dictionary<string, int> { ["train"] = TrainClips, ["val"] = ValClips, ["test"] = TestClips }.Where(kv => kv.Value > 0).ToDictionary();

    // An unfinished build lies beside the folder under this suffix; a folder named so would be deleted as one.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Folder) && Folder.Trim().EndsWith(SyntheticWorlds.BuiltIn.Dataset.PartialSuffix, StringComparison.Ordinal))
            yield return new ValidationResult($"DemoWorld:Folder is '{Folder}'; a name ending in '{SyntheticWorlds.BuiltIn.Dataset.PartialSuffix}' " +
                "is kept for unfinished builds: choose another.", [nameof(Folder)]);
    }
}
