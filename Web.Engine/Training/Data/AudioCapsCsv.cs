using System.Text;

namespace Clap2Diffusion.Engine.Training.Data;

/// <summary>The rows of an AudioCaps-format CSV, each a column-to-value map, in file order.</summary>
public sealed record AudioCapsTable(string Path, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyDictionary<string, string>> Rows);

/// <summary>Reads and writes AudioCaps-format CSVs: RFC 4180, a header that names at least the official columns.</summary>
public static class AudioCapsCsv
{
    public static AudioCapsTable Read(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"CSV file not found: {path}");
        using var reader = new StreamReader(path, Encoding.UTF8);
        using var records = CsvReader.Read(reader, path).GetEnumerator();
        if (!records.MoveNext())
            throw new InputException($"{path} is empty");
        var header = records.Current.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
        var missing = AudioCapsLayout.RequiredColumns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new InputException($"{path} lacks the column(s) {string.Join(", ", missing)}; AudioCaps CSVs have {string.Join(", ", AudioCapsLayout.RequiredColumns)}");

        var rows = new List<IReadOnlyDictionary<string, string>>();
        var record = 1;
        while (records.MoveNext())
        {
            record++;
            var values = records.Current;
            if (values.Length != header.Length)
                throw new InputException($"{path}, record {record}: {values.Length} fields where the header has {header.Length}");
            rows.Add(header.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
        }
        return new AudioCapsTable(path, header, rows);
    }

    /// <summary>Writes <paramref name="rows"/> with <paramref name="columns"/> as the header, quoting only the fields that need it.</summary>
    public static void Write(string path, IReadOnlyList<string> columns, IEnumerable<IReadOnlyDictionary<string, string>> rows)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        writer.NewLine = "\n";
        writer.WriteLine(string.Join(',', columns.Select(Field)));
        foreach (var row in rows)
            writer.WriteLine(string.Join(',', columns.Select(c => Field(row[c]))));
    }

    private static string Field(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 || value != value.Trim()
            ? "\"" + value.Replace("\"", "\"\"") + "\""
            : value;
}
