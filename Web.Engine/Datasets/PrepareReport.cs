using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Datasets;

/// <summary>One caption row in the report, with its clip's video and what became of it.</summary>
public sealed record ReportRow(
    string AudiocapId,
    string YoutubeId,
    string StartTime,
    string? Video,
    long? VideoBytes,
    DateTime? VideoModifiedUtc,
    string Detail);

/// <summary>The clips of one outcome and every caption row they carry.</summary>
public sealed record OutcomeGroup(int Clips, IReadOnlyList<ReportRow> Rows);

/// <summary>What a <c>prepare-audiocaps</c> run did, written to <c>DATASET/prepare-report.json</c>.</summary>
public sealed record PrepareReport(
    string Split,
    string Csv,
    string Media,
    string Dataset,
    int? Limit,
    long Seed,
    int Jobs,
    int Rows,
    int Clips,
    int NotSelected,
    int RowsWritten,
    int PreparedNow,
    int PreparedEarlier,
    int FfmpegRuns,
    double Seconds,
    OutcomeGroup Prepared,
    OutcomeGroup MissingVideo,
    OutcomeGroup TooShort,
    OutcomeGroup Silent,
    OutcomeGroup Corrupt)
{
    public const string FileName = "prepare-report.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Clips this run prepared per minute of its wall time (0 when it prepared none).</summary>
    public double ClipsPerMinute => PreparedNow == 0 || Seconds <= 0 ? 0 : PreparedNow * 60 / Seconds;

    [JsonIgnore]
    public string Summary =>
        $"{Split}: {Prepared.Clips} of {Clips} clips prepared ({PreparedNow} now, {PreparedEarlier} earlier), {RowsWritten} caption rows written" +
        (NotSelected > 0 ? $", {NotSelected} clips left out by --limit" : "") +
        $"; missing video {MissingVideo.Clips}, too short {TooShort.Clips}, silent {Silent.Clips}, corrupt {Corrupt.Clips}" +
        $" ({FfmpegRuns} ffmpeg runs in {Seconds:0.#} s)";

    public void Write(string path)
    {
        var work = path + ".partial";
        File.WriteAllText(work, JsonSerializer.Serialize(this, Json));
        File.Move(work, path, overwrite: true);
    }

    /// <summary>An earlier run's report, or null when there is none or it cannot be read (it is then simply rewritten).</summary>
    public static PrepareReport? TryRead(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<PrepareReport>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
