using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Training.Data;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// A torch-free look at a training dataset as the trainer will read it: <c>train.csv</c> in the AudioCaps
/// layout, and each row's clip in <c>audio/</c> and frame in <c>images/</c>. Files that exist but cannot be
/// decoded are found later, by the trainer's own pass, which records them in the run's <c>dataset-report.json</c>.
/// </summary>
public static class DatasetInspector
{
    public const string Split = "train";

    /// <summary>Skipped rows listed one by one before the rest are counted.</summary>
    public const int SkippedShown = 200;

    public static DatasetValidation Inspect(string folder, int? limit)
    {
        if (!Directory.Exists(folder))
            return DatasetValidation.Refused($"The dataset folder {folder} does not exist.");
        var layout = new AudioCapsLayout(folder);
        var problems = new List<string>();
        if (!File.Exists(layout.SplitCsv(Split)))
            problems.Add($"{folder} has no {Split}.csv: an AudioCaps-format dataset has split CSVs with the columns " +
                $"{string.Join(", ", AudioCapsLayout.RequiredColumns)}, and the clips and frames in {layout.AudioFolder}/ and {layout.ImageFolder}/.");
        foreach (var sub in new[] { layout.AudioFolder, layout.ImageFolder })
            if (!Directory.Exists(Path.Combine(folder, sub)))
                problems.Add($"{folder} has no {sub}/ folder.");
        if (problems.Count > 0)
            return new DatasetValidation(0, [], problems);

        IReadOnlyList<AudioCapsEntry> rows;
        try
        {
            rows = AudioCapsDataset.ReadSplit(layout, Split);
        }
        catch (InputException error)
        {
            return DatasetValidation.Refused(error.Message);
        }
        if (limit is { } most)
            rows = rows.Take(most).ToList();

        var skipped = new List<SkippedFile>();
        var usable = 0;
        foreach (var row in rows)
        {
            var reason = Unusable(layout, row);
            if (reason is null)
                usable++;
            else
                skipped.Add(reason);
        }
        if (rows.Count == 0)
            problems.Add($"{layout.SplitCsv(Split)} has a header but no rows.");
        else if (usable == 0)
            problems.Add($"None of the {rows.Count} rows of {Split}.csv has both its clip and its frame.");
        return new DatasetValidation(usable, Shown(skipped), problems);
    }

    private static SkippedFile? Unusable(AudioCapsLayout layout, AudioCapsEntry row)
    {
        if (row.AudioPath is null)
            return new SkippedFile($"{layout.AudioFolder}/{layout.Stem(layout.AudioNaming, row.Columns)}.*",
                $"row {row.AudiocapId}: no clip with this name ({string.Join(", ", layout.AudioExtensions)})");
        if (row.ImagePath is null)
            return new SkippedFile($"{layout.ImageFolder}/{layout.Stem(layout.ImageNaming, row.Columns)}.*",
                $"row {row.AudiocapId}: no frame with this name ({string.Join(", ", layout.ImageExtensions)})");
        foreach (var (path, sub) in new[] { (row.AudioPath, layout.AudioFolder), (row.ImagePath, layout.ImageFolder) })
            if (new FileInfo(path).Length == 0)
                return new SkippedFile($"{sub}/{Path.GetFileName(path)}", $"row {row.AudiocapId}: the file is empty");
        return null;
    }

    private static IReadOnlyList<SkippedFile> Shown(List<SkippedFile> skipped) =>
        skipped.Count <= SkippedShown
            ? skipped
            : [.. skipped.Take(SkippedShown), new SkippedFile("…", $"{skipped.Count - SkippedShown} more rows skipped")];
}
