namespace Clap2Diffusion.Engine.Training.Data;

/// <summary>Reads the splits of an AudioCaps-format dataset and finds each row's files.</summary>
public static class AudioCapsDataset
{
    public static IReadOnlyList<AudioCapsEntry> ReadSplit(AudioCapsLayout layout, string split)
    {
        if (!AudioCapsLayout.Splits.Contains(split))
            throw new InputException($"unknown split '{split}'; AudioCaps has {string.Join(", ", AudioCapsLayout.Splits)}");
        var path = layout.SplitCsv(split);
        if (!File.Exists(path))
            throw new InputException($"split file not found: {path}");

        var table = AudioCapsCsv.Read(path);
        var audioFiles = IndexFolder(Path.Combine(layout.Root, layout.AudioFolder), layout.AudioExtensions);
        var imageFiles = IndexFolder(Path.Combine(layout.Root, layout.ImageFolder), layout.ImageExtensions);
        var entries = new List<AudioCapsEntry>();
        foreach (var row in table.Rows)
            entries.Add(new AudioCapsEntry(row["audiocap_id"], row["youtube_id"], row["start_time"], row["caption"],
                audioFiles.GetValueOrDefault(layout.Stem(layout.AudioNaming, row)),
                imageFiles.GetValueOrDefault(layout.Stem(layout.ImageNaming, row)),
                row));
        return entries;
    }

    /// <summary>Simple to complex: shorter captions first (by word count, then length), stable otherwise.</summary>
    public static IReadOnlyList<AudioCapsEntry> SortByCaptionLength(IEnumerable<AudioCapsEntry> entries) =>
        entries.OrderBy(e => e.Caption.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length).ThenBy(e => e.Caption.Length).ToList();

    private static Dictionary<string, string> IndexFolder(string folder, IReadOnlyList<string> extensions)
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
            return index;
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var extension = Path.GetExtension(file).ToLowerInvariant();
            var rank = IndexOf(extensions, extension);
            if (rank < 0)
                continue;
            var stem = Path.GetFileNameWithoutExtension(file);
            // Several files per stem: the earlier extension in the list wins, whatever the directory order.
            if (!index.TryGetValue(stem, out var existing) || IndexOf(extensions, Path.GetExtension(existing).ToLowerInvariant()) > rank)
                index[stem] = file;
        }
        return index;
    }

    private static int IndexOf(IReadOnlyList<string> items, string item)
    {
        for (var i = 0; i < items.Count; i++)
            if (items[i] == item)
                return i;
        return -1;
    }
}
