using System.Text.Json;

namespace Clap2Diffusion.Engine.Training.Metrics;

/// <summary>Appends one JSON object per record to a file, flushed each time so a killed run keeps its history.</summary>
public sealed class JsonlMetricSink : IMetricSink, IDisposable
{
    private readonly StreamWriter writer;
    private readonly Lock gate = new();

    public JsonlMetricSink(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    public void Write(MetricRecord record)
    {
        var line = JsonSerializer.Serialize(new
        {
            run = record.Run,
            kind = record.Kind,
            step = record.Step,
            time = record.Time,
            values = record.Values.ToDictionary(kv => kv.Key, kv => double.IsFinite(kv.Value) ? (double?)kv.Value : null),
        });
        lock (gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    /// <summary>Reads records back, skipping a last line cut short by a crash.</summary>
    public static IEnumerable<MetricRecord> Read(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            MetricRecord? record = null;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var values = root.GetProperty("values").EnumerateObject()
                    .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble() : double.NaN);
                record = new MetricRecord(root.GetProperty("run").GetString()!, root.GetProperty("kind").GetString()!,
                    root.GetProperty("step").GetInt64(), root.GetProperty("time").GetDateTimeOffset(), values);
            }
            catch (JsonException)
            {
                // an incomplete trailing line from a killed process
            }
            if (record is not null)
                yield return record;
        }
    }

    public void Dispose() => writer.Dispose();
}
