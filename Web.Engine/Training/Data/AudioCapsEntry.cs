namespace Clap2Diffusion.Engine.Training.Data;

/// <summary>One row of an AudioCaps-format split with the files it names (null where none was found).</summary>
public sealed record AudioCapsEntry(
    string AudiocapId,
    string YoutubeId,
    string StartTime,
    string Caption,
    string? AudioPath,
    string? ImagePath,
    IReadOnlyDictionary<string, string> Columns)
{
    /// <summary>The text the diffusion model is conditioned on: an optional <c>prompt</c> column, else the caption.</summary>
    public string ConditioningText => Columns.TryGetValue("prompt", out var prompt) && prompt.Length > 0 ? prompt : Caption;
}
