using System.Text;

namespace Clap2Diffusion.Engine.Training.Data;

/// <summary>RFC 4180 CSV: comma separated, double-quoted fields may hold commas, quotes ("") and line breaks.</summary>
public static class CsvReader
{
    public static IEnumerable<string[]> Read(TextReader reader, string source)
    {
        var field = new StringBuilder();
        var row = new List<string>();
        var quoted = false;
        var line = 1;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                        quoted = false;
                }
                else
                {
                    if (ch == '\n')
                        line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    row.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    row.Add(field.ToString());
                    field.Clear();
                    if (row.Count > 1 || row[0].Length > 0)
                        yield return row.ToArray();
                    row.Clear();
                    line++;
                    break;
                default:
                    field.Append(ch);
                    break;
            }
        }
        if (quoted)
            throw new InputException($"{source}: a quoted field opened before line {line} is never closed");
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            yield return row.ToArray();
        }
    }
}
