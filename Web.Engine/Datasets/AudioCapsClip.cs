using System.Globalization;
using Clap2Diffusion.Engine.Training.Data;

namespace Clap2Diffusion.Engine.Datasets;

/// <summary>
/// One clip of an official AudioCaps CSV: a YouTube id and a start time, with every caption row that names it
/// (one in <c>train.csv</c>, five in <c>val.csv</c> and <c>test.csv</c>), and the file stems the layout gives it.
/// </summary>
public sealed record AudioCapsClip(
    string YoutubeId,
    string StartTime,
    double StartSeconds,
    string AudioStem,
    string ImageStem,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Rows)
{
    /// <summary>The clips of <paramref name="table"/> in the order of their first row.</summary>
    public static IReadOnlyList<AudioCapsClip> Group(AudioCapsTable table, AudioCapsLayout layout)
    {
        var clips = new List<AudioCapsClip>();
        var rowsByClip = new Dictionary<(string, string), List<IReadOnlyDictionary<string, string>>>();
        for (var index = 0; index < table.Rows.Count; index++)
        {
            var row = table.Rows[index];
            var key = (row["youtube_id"], row["start_time"]);
            if (rowsByClip.TryGetValue(key, out var rows))
            {
                rows.Add(row);
                continue;
            }
            if (row["youtube_id"].Length == 0)
                throw new InputException($"{table.Path}, record {index + 2}: the youtube_id is empty");
            rows = [row];
            rowsByClip[key] = rows;
            clips.Add(new AudioCapsClip(row["youtube_id"], row["start_time"], ParseStart(table.Path, index + 2, row["start_time"]),
                layout.Stem(layout.AudioNaming, row), layout.Stem(layout.ImageNaming, row), rows));
        }
        return clips;
    }

    private static double ParseStart(string path, int record, string value)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && seconds >= 0)
            return seconds;
        throw new InputException($"{path}, record {record}: start_time '{value}' is not a number of seconds");
    }
}
