using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Training;

/// <summary>
/// Where stage 2 starts: the result of a stage-1 run the user names. Stage 2 tunes only the hierarchy weights, the
/// gates and the UNet's LoRA, so it needs projections that stage 1 aligned; starting it from anything else (fresh
/// adapters, a stage-2 result) would tune gates over the wrong projections, so the start is checked, not assumed.
/// </summary>
public static class StageOneResult
{
    public const string Wanted =
        "stage 2 starts from a stage-1 result: name the adapters folder a stage-1 run wrote (its run folder or one of its checkpoints will do)";

    /// <summary>
    /// The adapter folder inside what <paramref name="named"/> names (an adapter folder, a stage-1 run folder with
    /// its <c>adapters/</c>, or a training checkpoint), refused with a message that says what is wrong when it is
    /// missing or not a stage-1 result. <paramref name="option"/> names the setting in the message.
    /// </summary>
    public static string Resolve(string? named, string option)
    {
        if (string.IsNullOrWhiteSpace(named))
            throw new InputException($"{Wanted} ({option})");
        if (!Directory.Exists(named))
            throw new InputException($"{option}: {named} does not exist; {Wanted}");
        var folder = new[] { named, Path.Combine(named, "adapters") }.FirstOrDefault(AdapterFolder.IsAdapterFolder)
            ?? AdapterTrainer.CheckpointAdapters(named)
            ?? throw new InputException($"{option}: {named} holds no adapter set; {Wanted}");
        var metadata = AdapterFolder.ReadMetadata(folder);
        var stage = metadata.TrainingStage ?? StageInDescription(metadata.Description);
        if (stage != 1)
            throw new InputException($"{option}: {folder} is not a stage-1 result " +
                $"({(stage is { } other ? $"stage {other} wrote it" : "its metadata records no training stage")}); {Wanted}");
        return folder;
    }

    // Sets written before the stage had its own metadata key say it in their description: "stage 1", "stage 2".
    private static int? StageInDescription(string? description) =>
        description is { } text && text.StartsWith("stage ", StringComparison.Ordinal)
            && int.TryParse(text["stage ".Length..], System.Globalization.CultureInfo.InvariantCulture, out var stage)
            ? stage
            : null;
}
