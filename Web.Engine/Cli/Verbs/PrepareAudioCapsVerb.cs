using System.CommandLine;
using Clap2Diffusion.Engine.Datasets;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary>
/// <c>prepare-audiocaps --csv FILE --media DIR --out DATASET [--limit N] [--seed S] [--jobs N]</c>: the official
/// AudioCaps CSV plus downloaded videos to the layout <c>train --dataset</c> reads. Resumable; Ctrl+C stops it and
/// a rerun continues. stdout gets one JSON object with the counts; the full report is DATASET/prepare-report.json.
/// </summary>
public static class PrepareAudioCapsVerb
{
    public static Command Create(CliContext cli)
    {
        var csv = new Option<string>("--csv") { Description = "an official AudioCaps CSV: train.csv, val.csv or test.csv", Required = true };
        var media = new Option<string>("--media") { Description = "folder of downloaded videos named <id>.<ext> or '<title> [<id>].<ext>'", Required = true };
        var output = new Option<string>("--out") { Description = "dataset folder to write (split CSV, audio/, images/, prepare-report.json)", Required = true };
        var limit = new Option<int?>("--limit") { Description = "keep N clips, chosen by --seed" };
        var seed = new Option<long>("--seed") { Description = "seed of the --limit choice", DefaultValueFactory = _ => 0 };
        var jobs = new Option<int>("--jobs") { Description = "ffmpeg processes at once", DefaultValueFactory = _ => 2 };
        var command = new Command("prepare-audiocaps", "Cut AudioCaps clips (10 s WAV + mid-window 512x512 PNG) from downloaded videos into the trainer's layout.")
        {
            csv, media, output, limit, seed, jobs,
        };
        command.SetAction(result => VerbAction.Guard(cli, () =>
            Run(cli, new PrepareAudioCapsSettings(result.GetValue(csv)!, result.GetValue(media)!, result.GetValue(output)!)
            {
                Limit = result.GetValue(limit),
                Seed = result.GetValue(seed),
                Jobs = result.GetValue(jobs),
            })));
        return command;
    }

    public static int Run(CliContext cli, PrepareAudioCapsSettings settings, CancellationToken cancellation = default)
    {
        settings.Validate();
        var ffmpeg = FfmpegTool.Locate();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cli.Error.WriteLine("\nstopping; prepared clips are kept and a rerun continues from them");
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var progress = new ConsoleProgress(cli);
            var gate = new Lock();
            var report = AudioCapsPreparer.Run(settings, ffmpeg, (done, total) =>
            {
                lock (gate)
                    progress.Report("preparing", done, total);
            }, stop.Token);
            progress.Finish();
            cli.Error.WriteLine(report.Summary);
            cli.WriteJson(new
            {
                report.Split,
                report.Dataset,
                report.Clips,
                Prepared = report.Prepared.Clips,
                report.PreparedNow,
                report.PreparedEarlier,
                report.RowsWritten,
                MissingVideo = report.MissingVideo.Clips,
                TooShort = report.TooShort.Clips,
                Silent = report.Silent.Clips,
                Corrupt = report.Corrupt.Clips,
                report.NotSelected,
                report.Seconds,
                ClipsPerMinute = Math.Round(report.ClipsPerMinute, 1),
                Report = Path.Combine(report.Dataset, PrepareReport.FileName),
            });
            return ExitCodes.Success;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
