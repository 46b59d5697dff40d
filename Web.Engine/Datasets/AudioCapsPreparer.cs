using System.Diagnostics;
using Clap2Diffusion.Engine.Training.Data;

namespace Clap2Diffusion.Engine.Datasets;

/// <summary>
/// From an official AudioCaps CSV and a folder of downloaded videos to the layout the trainer reads
/// (<see cref="AudioCapsLayout"/>): one WAV and one PNG per clip, the split CSV with every caption row of the
/// prepared clips, and a report of every row that could not be prepared and why. A clip whose two files exist is
/// not redone, and a clip an earlier run found unusable is not retried while its video file is unchanged.
/// </summary>
public static class AudioCapsPreparer
{
    private const string WorkFolder = ".prepare-work";

    public static PrepareReport Run(PrepareAudioCapsSettings settings, string ffmpegPath, Action<int, int>? progress = null,
        CancellationToken cancellation = default)
    {
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var table = AudioCapsCsv.Read(settings.Csv);
        var layout = new AudioCapsLayout(settings.Dataset);
        var clips = AudioCapsClip.Group(table, layout);
        var videos = VideoIndex.Build(settings.Media);

        Directory.CreateDirectory(Path.Combine(layout.Root, layout.AudioFolder));
        Directory.CreateDirectory(Path.Combine(layout.Root, layout.ImageFolder));
        var work = Path.Combine(layout.Root, WorkFolder);
        Directory.CreateDirectory(work);
        var reportPath = Path.Combine(layout.Root, PrepareReport.FileName);
        var earlierFailures = EarlierFailures(PrepareReport.TryRead(reportPath));
        var ffmpeg = new FfmpegTool(ffmpegPath, settings.FfmpegTimeLimit);
        var extractor = new ClipExtractor(ffmpeg, layout, work);

        var outcomes = new Dictionary<AudioCapsClip, ClipOutcome>(ReferenceEqualityComparer.Instance);
        foreach (var clip in clips.Where(c => !extractor.IsPrepared(c) && videos.Find(c.YoutubeId) is null))
            outcomes[clip] = ClipOutcome.Missing();
        var candidates = clips.Where(c => !outcomes.ContainsKey(c)).ToList();
        var ordered = settings.Limit is null ? candidates : ClipSelection.Rank(candidates, settings.Seed);

        ClipOutcome Prepare(AudioCapsClip clip)
        {
            if (extractor.IsPrepared(clip))
                return new ClipOutcome(ClipStatus.Prepared, "prepared by an earlier run", videos.Find(clip.YoutubeId), false);
            var video = videos.Find(clip.YoutubeId)!;
            if (earlierFailures.TryGetValue((clip.YoutubeId, clip.StartTime), out var earlier) && SameFile(earlier, video))
                return new ClipOutcome(earlier.Status, earlier.Detail, video, false);
            return extractor.Extract(clip, video, cancellation);
        }

        // With a limit, take clips in seeded order until enough are prepared: each round tries as many as are still
        // missing, so the result is the same whatever --jobs is, and a clip that fails is replaced by the next one.
        var tried = 0;
        var done = 0;
        var prepared = 0;
        var target = settings.Limit ?? ordered.Count;
        while (prepared < target && tried < ordered.Count)
        {
            var round = ordered.Skip(tried).Take(target - prepared).ToList();
            tried += round.Count;
            var total = tried;
            var results = new ClipOutcome[round.Count];
            try
            {
                Parallel.For(0, round.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Jobs, CancellationToken = cancellation }, i =>
                {
                    results[i] = Prepare(round[i]);
                    progress?.Invoke(Interlocked.Increment(ref done), total);
                });
            }
            catch (AggregateException) when (cancellation.IsCancellationRequested)
            {
                // A body stopped by the cancellation surfaces inside an AggregateException; the caller expects a plain cancellation.
                throw new OperationCanceledException(cancellation);
            }
            for (var i = 0; i < round.Count; i++)
                outcomes[round[i]] = results[i];
            prepared += results.Count(r => r.Status == ClipStatus.Prepared);
        }
        Directory.Delete(work, recursive: true);

        var preparedClips = clips.Where(c => outcomes.GetValueOrDefault(c)?.Status == ClipStatus.Prepared).ToList();
        var preparedKeys = preparedClips.Select(c => (c.YoutubeId, c.StartTime)).ToHashSet();
        WriteIfChanged(layout.SplitCsv(settings.Split),
            table.Rows.Where(row => preparedKeys.Contains((row["youtube_id"], row["start_time"]))).ToList());

        var report = new PrepareReport(settings.Split, Path.GetFullPath(settings.Csv), Path.GetFullPath(settings.Media),
            Path.GetFullPath(layout.Root), settings.Limit, settings.Seed, settings.Jobs,
            Rows: table.Rows.Count,
            Clips: clips.Count,
            NotSelected: clips.Count(c => !outcomes.ContainsKey(c)),
            RowsWritten: preparedClips.Sum(c => c.Rows.Count),
            PreparedNow: outcomes.Values.Count(o => o is { Status: ClipStatus.Prepared, DoneNow: true }),
            PreparedEarlier: outcomes.Values.Count(o => o is { Status: ClipStatus.Prepared, DoneNow: false }),
            FfmpegRuns: ffmpeg.Runs,
            Seconds: Math.Round(clock.Elapsed.TotalSeconds, 2),
            Prepared: Group(clips, outcomes, ClipStatus.Prepared),
            MissingVideo: Group(clips, outcomes, ClipStatus.MissingVideo),
            TooShort: Group(clips, outcomes, ClipStatus.TooShort),
            Silent: Group(clips, outcomes, ClipStatus.Silent),
            Corrupt: Group(clips, outcomes, ClipStatus.Corrupt));
        report.Write(reportPath);
        return report;
    }

    private static OutcomeGroup Group(IReadOnlyList<AudioCapsClip> clips, Dictionary<AudioCapsClip, ClipOutcome> outcomes, ClipStatus status)
    {
        var members = clips.Where(c => outcomes.GetValueOrDefault(c)?.Status == status).ToList();
        return new OutcomeGroup(members.Count, members.SelectMany(clip =>
        {
            var outcome = outcomes[clip];
            var file = outcome.Video is null ? null : new FileInfo(outcome.Video);
            return clip.Rows.Select(row => new ReportRow(row["audiocap_id"], clip.YoutubeId, clip.StartTime, outcome.Video,
                file?.Exists == true ? file.Length : null, file?.Exists == true ? file.LastWriteTimeUtc : null, outcome.Detail));
        }).ToList());
    }

    /// <summary>Writes the split CSV in the input's row order; an unchanged file is left as it is, so a resumed run touches nothing.</summary>
    private static void WriteIfChanged(string path, IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        var work = path + ".partial";
        AudioCapsCsv.Write(work, AudioCapsLayout.RequiredColumns, rows);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(work)))
            File.Delete(work);
        else
            File.Move(work, path, overwrite: true);
    }

    private sealed record EarlierFailure(ClipStatus Status, string Detail, string Video, long? Bytes, DateTime? ModifiedUtc);

    private static Dictionary<(string, string), EarlierFailure> EarlierFailures(PrepareReport? earlier)
    {
        var failures = new Dictionary<(string, string), EarlierFailure>();
        if (earlier is null)
            return failures;
        foreach (var (status, group) in new[] { (ClipStatus.TooShort, earlier.TooShort), (ClipStatus.Silent, earlier.Silent), (ClipStatus.Corrupt, earlier.Corrupt) })
            foreach (var row in group?.Rows ?? [])
                if (row.Video is not null)
                    failures.TryAdd((row.YoutubeId, row.StartTime), new EarlierFailure(status, row.Detail, row.Video, row.VideoBytes, row.VideoModifiedUtc));
        return failures;
    }

    private static bool SameFile(EarlierFailure earlier, string video)
    {
        var file = new FileInfo(video);
        return earlier.Video == video && file.Exists && earlier.Bytes == file.Length && earlier.ModifiedUtc == file.LastWriteTimeUtc;
    }
}
