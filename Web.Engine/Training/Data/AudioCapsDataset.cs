using System.Text;

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

        using var reader = new StreamReader(path, Encoding.UTF8);
        using var rows = CsvReader.Read(reader, path).GetEnumerator();
        if (!rows.MoveNext())
            throw new InputException($"{path} is empty");
        var header = rows.Current.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
        var missing = AudioCapsLayout.RequiredColumns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new InputException($"{path} lacks the column(s) {string.Join(", ", missing)}; AudioCaps CSVs have {string.Join(", ", AudioCapsLayout.RequiredColumns)}");

        var audioFiles = IndexFolder(Path.Combine(layout.Root, layout.AudioFolder), layout.AudioExtensions);
        var imageFiles = IndexFolder(Path.Combine(layout.Root, layout.ImageFolder), layout.ImageExtensions);
        var entries = new List<AudioCapsEntry>();
        var line = 1;
        while (rows.MoveNext())
        {
            line++;
            var values = rows.Current;
            if (values.Length != header.Length)
                throw new InputException($"{path}, record {line}: {values.Length} fields where the header has {header.Length}");
            var row = header.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            entries.Add(new AudioCapsEntry(row["audiocap_id"], row["youtube_id"], row["start_time"], row["caption"],
                audioFiles.GetValueOrDefault(layout.Stem(layout.AudioNaming, row)),
                imageFiles.GetValueOrDefault(layout.Stem(layout.ImageNaming, row)),
                row));
        }
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
