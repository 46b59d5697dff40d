using System.Text.RegularExpressions;

namespace Clap2Diffusion.Engine.Datasets;

/// <summary>
/// The downloaded videos of a folder by YouTube id: <c>&lt;id&gt;.&lt;ext&gt;</c>, or <c>... [&lt;id&gt;].&lt;ext&gt;</c> as
/// yt-dlp names files by default. Any extension counts (ffmpeg decides what it can read) except the side files
/// downloaders leave beside a video: partial downloads, metadata, thumbnails, subtitles.
/// </summary>
public sealed partial class VideoIndex
{
    private static readonly HashSet<string> SideFileExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".part", ".ytdl", ".tmp", ".temp", ".json", ".description", ".txt", ".csv", ".md", ".log",
        ".jpg", ".jpeg", ".png", ".webp", ".gif", ".vtt", ".srt", ".ass", ".lrc",
    };

    private readonly Dictionary<string, string> byId;

    private VideoIndex(Dictionary<string, string> byId) => this.byId = byId;

    public int Count => byId.Count;

    /// <summary>Indexes the files directly in <paramref name="folder"/>; where several name one id, the first by ordinal name wins.</summary>
    public static VideoIndex Build(string folder)
    {
        var byId = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(Path.GetFullPath(folder)).Order(StringComparer.Ordinal))
        {
            var id = IdOf(Path.GetFileName(path));
            if (id is not null)
                byId.TryAdd(id, path);
        }
        return new VideoIndex(byId);
    }

    public string? Find(string youtubeId) => byId.GetValueOrDefault(youtubeId);

    /// <summary>The YouTube id a file name carries, or null for hidden and side files.</summary>
    public static string? IdOf(string fileName)
    {
        var extension = Path.GetExtension(fileName);
        if (fileName.StartsWith('.') || extension.Length == 0 || SideFileExtensions.Contains(extension))
            return null;
        var bracketed = BracketedId().Match(fileName);
        return bracketed.Success ? bracketed.Groups["id"].Value : Path.GetFileNameWithoutExtension(fileName);
    }

    // yt-dlp's default output template is "%(title)s [%(id)s].%(ext)s"; the title may itself hold brackets.
    [GeneratedRegex(@"\[(?<id>[^\[\]]+)\]\.[^.]+$")]
    private static partial Regex BracketedId();
}
