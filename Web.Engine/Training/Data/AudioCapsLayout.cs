namespace Clap2Diffusion.Engine.Training.Data;

/// <summary>
/// Where an AudioCaps-format dataset keeps its files: the official split CSVs (<c>train.csv</c>, <c>val.csv</c>,
/// <c>test.csv</c> with columns <c>audiocap_id, youtube_id, start_time, caption</c>) in the root, one audio clip and
/// one image (a frame) per row in two folders, named by a rule over the row's columns.
/// </summary>
public sealed record AudioCapsLayout(string Root)
{
    public string AudioFolder { get; init; } = "audio";
    public string ImageFolder { get; init; } = "images";

    /// <summary>File stem of a row's clip; placeholders: {audiocap_id}, {youtube_id}, {start_time}.</summary>
    public string AudioNaming { get; init; } = "{youtube_id}_{start_time}";
    public string ImageNaming { get; init; } = "{youtube_id}_{start_time}";
    public IReadOnlyList<string> AudioExtensions { get; init; } = [".wav", ".flac", ".mp3", ".ogg", ".oga", ".m4a", ".opus"];
    public IReadOnlyList<string> ImageExtensions { get; init; } = [".png", ".jpg", ".jpeg", ".webp"];

    public static readonly IReadOnlyList<string> Splits = ["train", "val", "test"];

    public static readonly IReadOnlyList<string> RequiredColumns = ["audiocap_id", "youtube_id", "start_time", "caption"];

    public string SplitCsv(string split) => Path.Combine(Root, $"{split}.csv");

    public string Stem(string naming, IReadOnlyDictionary<string, string> row) =>
        RequiredColumns.Aggregate(naming, (stem, column) => stem.Replace("{" + column + "}", Safe(row[column])));

    // Values become file names: keep them to one path segment, whatever the CSV holds.
    private static string Safe(string value)
    {
        var cleaned = new string(value.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray()).Trim('.');
        return cleaned.Length == 0 ? "_" : cleaned;
    }
}
