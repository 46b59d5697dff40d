using Clap2Diffusion.Tests.Engine.Audio;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Datasets;

/// <summary>
/// Downloaded AudioCaps videos, as ffmpeg makes them from a test pattern and a tone: eight clips of the real
/// <c>test.csv</c> (five captions each, start time 0), one whose id begins with '-', one in yt-dlp's default naming,
/// one in another container, one damaged, one too short, one silent and one whose download never finished.
/// Written once per test class to a temp folder, with the matching rows of the official CSV copied as they are.
/// </summary>
public sealed class AudioCapsVideoFixture : IDisposable
{
    public const string DashId = "-NrFeH-kBSM";
    public const string YtDlpId = "2JV3emH50XU";
    public const string MatroskaId = "40cuHrYfaqA";
    public const string PlainId = "AUJPx81qKtY";
    public const string DamagedId = "5xC4hkAWiao";
    public const string ShortId = "7D7xgd4WJ50";
    public const string SilentId = "7QN3lwOzfdg";
    public const string MissingId = "A0E_UiD-fR4";

    public static readonly string[] PreparedIds = [DashId, YtDlpId, MatroskaId, PlainId];
    public static readonly string[] AllIds = [DashId, YtDlpId, MatroskaId, DamagedId, ShortId, SilentId, MissingId, PlainId];

    private readonly TempFolder folder = new("audiocaps-videos");

    public AudioCapsVideoFixture()
    {
        Media = folder.File("media");
        Directory.CreateDirectory(Media);

        // Blue with red side bars that a center crop removes, and a green center only between 4 s and 6 s, so the
        // prepared image shows which frame was taken and how it was cropped.
        const string marked = "color=c=blue:s=64x48:r=5:d=10.5," +
                              "drawbox=x=0:y=0:w=8:h=48:color=red:t=fill,drawbox=x=56:y=0:w=8:h=48:color=red:t=fill," +
                              "drawbox=x=8:y=0:w=48:h=48:color=green:t=fill:enable='between(t,4,6)'";
        Video(DashId + ".mp4", marked, "sine=frequency=440:sample_rate=44100:duration=10.5", "libx264", "aac");
        Video("A title, with [brackets] [" + YtDlpId + "].mp4", "testsrc=size=64x48:rate=5:duration=10.5",
            "sine=frequency=660:sample_rate=44100:duration=10.5", "libx264", "aac");
        Video(MatroskaId + ".mkv", "testsrc=size=48x64:rate=5:duration=11", "sine=frequency=550:sample_rate=22050:duration=11", "mpeg4", "flac");
        Video(PlainId + ".mp4", "testsrc=size=64x48:rate=5:duration=10.5", "sine=frequency=880:sample_rate=48000:duration=10.5", "libx264", "aac");
        Video(ShortId + ".mp4", "testsrc=size=64x48:rate=5:duration=5", "sine=frequency=440:sample_rate=44100:duration=5", "libx264", "aac");
        Video(SilentId + ".mp4", "testsrc=size=64x48:rate=5:duration=10.5", "anullsrc=r=44100:cl=stereo,atrim=duration=10.5", "libx264", "aac");

        // The first 3 kB of a good file: ffmpeg writes the mp4 index (moov) at the end, so this cannot be opened.
        var whole = File.ReadAllBytes(Path.Combine(Media, PlainId + ".mp4"));
        File.WriteAllBytes(Path.Combine(Media, DamagedId + ".mp4"), whole[..3000]);
        // What a downloader leaves of an unfinished download, and beside finished ones: neither is a video.
        File.WriteAllBytes(Path.Combine(Media, MissingId + ".mp4.part"), whole[..3000]);
        File.WriteAllText(Path.Combine(Media, PlainId + ".info.json"), "{}");

        Csv = folder.File("test.csv");
        var official = File.ReadAllLines(SharedData.PathOf("data", "audiocaps", "test.csv"));
        File.WriteAllLines(Csv, [official[0], .. official.Skip(1).Where(line => AllIds.Any(id => line.Contains($",{id},", StringComparison.Ordinal)))]);
    }

    public string Media { get; }

    /// <summary>The official test.csv's 40 rows of the eight clips, copied line for line.</summary>
    public string Csv { get; }

    public string NewOutputFolder() => folder.File("out-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => folder.Dispose();

    private void Video(string name, string picture, string sound, string videoCodec, string audioCodec) =>
        ExternalAudioTools.Ffmpeg("-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", sound, "-c:v", videoCodec, "-pix_fmt", "yuv420p",
            "-c:a", audioCodec, "-shortest", Path.Combine(Media, name));
}
