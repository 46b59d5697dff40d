using System.Buffers.Binary;
using System.Text.Json;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Datasets;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Training.Data;
using Clap2Diffusion.Tests.Engine.Cli;
using static Clap2Diffusion.Tests.Engine.Datasets.AudioCapsVideoFixture;

namespace Clap2Diffusion.Tests.Engine.Datasets;

/// <summary>prepare-audiocaps end to end on synthetic videos with the real ffmpeg.</summary>
public sealed class PrepareAudioCapsTests(AudioCapsVideoFixture videos) : IClassFixture<AudioCapsVideoFixture>
{
    private PrepareReport Prepare(string output, int? limit = null, long seed = 0, int jobs = 2) =>
        AudioCapsPreparer.Run(new PrepareAudioCapsSettings(videos.Csv, videos.Media, output) { Limit = limit, Seed = seed, Jobs = jobs },
            FfmpegTool.Locate());

    [Fact]
    public void Writes_one_wav_and_one_png_per_clip_the_split_csv_and_a_report_of_every_row()
    {
        var output = videos.NewOutputFolder();

        var (code, stdout, stderr) = EngineCliTests.Run("prepare-audiocaps", "--csv", videos.Csv, "--media", videos.Media, "--out", output);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("preparing", stderr);
        Assert.Contains("eta", stderr);
        Assert.Contains("4 of 8 clips prepared", stderr);
        using (var summary = JsonDocument.Parse(stdout))
            Assert.Equal(4, summary.RootElement.GetProperty("prepared").GetInt32());

        Assert.Equal(PreparedIds.Select(id => id + "_0.wav").Order(StringComparer.Ordinal),
            Directory.GetFiles(Path.Combine(output, "audio")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(PreparedIds.Select(id => id + "_0.png").Order(StringComparer.Ordinal),
            Directory.GetFiles(Path.Combine(output, "images")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(output, ".prepare-work")));

        var input = AudioCapsCsv.Read(videos.Csv);
        var written = AudioCapsCsv.Read(Path.Combine(output, "test.csv"));
        Assert.Equal(AudioCapsLayout.RequiredColumns, written.Header);
        Assert.Equal(input.Rows.Where(r => PreparedIds.Contains(r["youtube_id"])).Select(Line), written.Rows.Select(Line));
        Assert.Contains(written.Rows, r => r["caption"] == "A mid-size motor vehicle engine is running and accelerating, tires squeal, and hissing occurs");
        Assert.Equal(File.ReadAllLines(videos.Csv).Where(l => l.Contains($",{YtDlpId},", StringComparison.Ordinal)),
            File.ReadAllLines(Path.Combine(output, "test.csv")).Where(l => l.Contains($",{YtDlpId},", StringComparison.Ordinal)));

        var report = PrepareReport.TryRead(Path.Combine(output, PrepareReport.FileName))!;
        Assert.Equal((40, 8, 20, 4, 0), (report.Rows, report.Clips, report.RowsWritten, report.PreparedNow, report.PreparedEarlier));
        Assert.Equal(PreparedIds.Order(StringComparer.Ordinal), Ids(report.Prepared));
        Assert.Equal([MissingId], Ids(report.MissingVideo));
        Assert.Equal([ShortId], Ids(report.TooShort));
        Assert.Equal([SilentId], Ids(report.Silent));
        Assert.Equal([DamagedId], Ids(report.Corrupt));
        foreach (var group in new[] { report.Prepared, report.MissingVideo, report.TooShort, report.Silent, report.Corrupt })
            Assert.Equal(5 * group.Clips, group.Rows.Count);
        Assert.Contains("before the window's end", report.TooShort.Rows[0].Detail);
        Assert.Contains("dBFS", report.Silent.Rows[0].Detail);
        Assert.Contains("ffmpeg failed", report.Corrupt.Rows[0].Detail);
        Assert.Null(report.MissingVideo.Rows[0].Video);
        Assert.EndsWith($"[{YtDlpId}].mp4", report.Prepared.Rows.First(r => r.YoutubeId == YtDlpId).Video);
    }

    [Fact]
    public void The_trainers_reader_finds_48_kHz_mono_16_bit_windows_and_512_pixel_center_crops_of_the_middle_frame()
    {
        var output = videos.NewOutputFolder();
        Prepare(output);

        var entries = AudioCapsDataset.ReadSplit(new AudioCapsLayout(output), "test");

        Assert.Equal(20, entries.Count);
        foreach (var entry in entries)
        {
            Assert.NotNull(entry.AudioPath);
            Assert.NotNull(entry.ImagePath);
            var header = File.ReadAllBytes(entry.AudioPath)[..44];
            Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(22)));
            Assert.Equal(48000, BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(24)));
            Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(34)));
            var clip = AudioDecoder.DecodeFile(entry.AudioPath);
            Assert.InRange(clip.Duration.TotalSeconds, 9.9, 10.0);
            Assert.InRange(clip.Samples.Max(Math.Abs), 0.05f, 1f);
            var image = RgbImage.Load(entry.ImagePath);
            Assert.Equal((512, 512), (image.Width, image.Height));
        }

        // The marked video: red bars outside the center square, green (0, 128, 0) in the middle only between 4 s and 6 s.
        var marked = RgbImage.Load(Path.Combine(output, "images", DashId + "_0.png"));
        foreach (var (x, y) in new[] { (256, 256), (24, 256), (488, 256), (256, 24) })
        {
            Assert.True(marked[x, y, 1] > 100 && marked[x, y, 0] < 50 && marked[x, y, 2] < 50,
                $"pixel ({x}, {y}) should be green, is ({marked[x, y, 0]}, {marked[x, y, 1]}, {marked[x, y, 2]})");
        }
    }

    [Fact]
    public void A_resumed_run_redoes_nothing_and_retries_a_video_only_once_it_changed()
    {
        var media = videos.NewOutputFolder();
        Directory.CreateDirectory(media);
        foreach (var video in Directory.GetFiles(videos.Media))
            File.Copy(video, Path.Combine(media, Path.GetFileName(video)));
        var output = videos.NewOutputFolder();
        var settings = new PrepareAudioCapsSettings(videos.Csv, media, output);
        var first = AudioCapsPreparer.Run(settings, FfmpegTool.Locate());
        var files = Directory.GetFiles(output, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(PrepareReport.FileName, StringComparison.Ordinal))
            .ToDictionary(f => f, f => (File.GetLastWriteTimeUtc(f), File.ReadAllBytes(f)));

        var second = AudioCapsPreparer.Run(settings, FfmpegTool.Locate());

        // Two runs per prepared clip (audio, frame), one per clip that failed at the audio.
        Assert.Equal(4 * 2 + 3, first.FfmpegRuns);
        Assert.Equal(0, second.FfmpegRuns);
        Assert.Equal((0, 4), (second.PreparedNow, second.PreparedEarlier));
        Assert.Equal((1, 1, 1, 1), (second.MissingVideo.Clips, second.TooShort.Clips, second.Silent.Clips, second.Corrupt.Clips));
        Assert.Equal(first.Corrupt.Rows.Select(r => r.Detail), second.Corrupt.Rows.Select(r => r.Detail));
        foreach (var (path, (modified, bytes)) in files)
        {
            Assert.Equal(modified, File.GetLastWriteTimeUtc(path));
            Assert.Equal(bytes, File.ReadAllBytes(path));
        }

        // A repaired download is a new file: only its clip runs ffmpeg again.
        File.Copy(Path.Combine(videos.Media, PlainId + ".mp4"), Path.Combine(media, DamagedId + ".mp4"), overwrite: true);
        var third = AudioCapsPreparer.Run(settings, FfmpegTool.Locate());

        Assert.Equal(2, third.FfmpegRuns);
        Assert.Equal((1, 4, 0), (third.PreparedNow, third.PreparedEarlier, third.Corrupt.Clips));
        Assert.Equal(25, AudioCapsCsv.Read(Path.Combine(output, "test.csv")).Rows.Count);
    }

    [Fact]
    public void A_limit_keeps_the_same_clips_for_a_seed_whatever_the_jobs_and_replaces_clips_that_fail()
    {
        var one = videos.NewOutputFolder();
        var two = videos.NewOutputFolder();

        var first = Prepare(one, limit: 3, seed: 7, jobs: 1);
        var second = Prepare(two, limit: 3, seed: 7, jobs: 2);

        Assert.Equal(3, first.Prepared.Clips);
        Assert.Equal(File.ReadAllText(Path.Combine(one, "test.csv")), File.ReadAllText(Path.Combine(two, "test.csv")));
        Assert.Equal(Ids(first.Prepared), Ids(second.Prepared));

        // The first three clips in seeded order that can be prepared, whatever failed before them.
        var layout = new AudioCapsLayout(one);
        var ranked = ClipSelection.Rank(AudioCapsClip.Group(AudioCapsCsv.Read(videos.Csv), layout).Where(c => c.YoutubeId != MissingId), 7);
        var expected = ranked.Select(c => c.YoutubeId).Where(PreparedIds.Contains).Take(3).Order(StringComparer.Ordinal);
        Assert.Equal(expected, Ids(first.Prepared));
        var reportedFailures = Ids(first.TooShort).Concat(Ids(first.Silent)).Concat(Ids(first.Corrupt)).ToList();
        Assert.Equal(first.Clips - 1 - 3 - reportedFailures.Count, first.NotSelected);
    }

    private static string Line(IReadOnlyDictionary<string, string> row) => string.Join('|', AudioCapsLayout.RequiredColumns.Select(c => row[c]));

    private static IEnumerable<string> Ids(OutcomeGroup group) => group.Rows.Select(r => r.YoutubeId).Distinct().Order(StringComparer.Ordinal);
}
