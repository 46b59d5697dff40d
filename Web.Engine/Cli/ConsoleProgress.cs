using System.Globalization;
using Clap2Diffusion.Engine.Evaluation;

namespace Clap2Diffusion.Engine.Cli;

/// <summary>
/// Every verb's progress on stderr: a bar redrawn in place when stderr is a terminal, otherwise a plain line at
/// each tenth of a stage and at least every <see cref="LineInterval"/>, so logs stay short and stdout stays free
/// for results. Elapsed time and the estimate are per stage, so a long earlier stage does not inflate a later
/// one's estimate. Times show hours (training and evaluation runs last them) and the text is culture invariant,
/// so a log reads the same on every machine and scripts can parse it.
/// </summary>
public sealed class ConsoleProgress(CliContext cli, TimeProvider? time = null) : IProgress<EvaluationProgress>, IDisposable
{
    public static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(30);

    /// <summary>The evaluation stage that counts images; its other stages are single messages.</summary>
    public const string GeneratingStage = "generating";

    private const int BarWidth = 30;
    private const int TerminalWidth = 99;

    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private string? stage;
    private long stageStart;
    private TimeSpan? lastLine;
    private long lastTenth = -1;
    private string? lastMessageStage;
    private bool barOpen;

    public void Report(string label, long done, long total, string detail = "")
    {
        if (label != stage)
            (stage, stageStart, lastLine, lastTenth) = (label, clock.GetTimestamp(), null, -1);
        var elapsed = clock.GetElapsedTime(stageStart);
        var fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : 1;
        var eta = done > 0 ? Duration(TimeSpan.FromSeconds(elapsed.TotalSeconds * Math.Max(0, total - done) / done)) : "unknown";
        var tail = detail.Length > 0 ? $"; {detail}" : "";
        if (cli.ErrorIsTerminal)
        {
            var filled = (int)Math.Round(fraction * BarWidth);
            var bar = new string('#', filled) + new string('.', BarWidth - filled);
            var line = string.Create(CultureInfo.InvariantCulture, $"{label,-12} [{bar}] {done}/{total} eta {eta}{tail}");
            cli.Error.Write("\r" + line.PadRight(TerminalWidth)[..TerminalWidth]);
            barOpen = true;
            return;
        }

        var tenth = (long)Math.Floor(fraction * 10);
        if (tenth == lastTenth && elapsed - lastLine < LineInterval && done != total)
            return;
        (lastTenth, lastLine) = (tenth, elapsed);
        cli.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label} {done}/{total} ({100 * fraction:0}%) elapsed {Duration(elapsed)} eta {eta}{tail}"));
    }

    /// <summary>An evaluation run's progress: its generating stage as a bar or lines, its other stages as one message each.</summary>
    public void Report(EvaluationProgress value)
    {
        if (value.Stage == GeneratingStage)
        {
            Report(value.Stage, value.Done, value.Total, value.Detail);
            return;
        }
        if (cli.ErrorIsTerminal || value.Stage != lastMessageStage)
        {
            Finish();
            cli.Error.WriteLine($"{value.Stage}: {value.Detail}");
        }
        lastMessageStage = value.Stage;
    }

    /// <summary>Ends a redrawn bar with a newline, so the next message starts on its own line.</summary>
    public void Finish()
    {
        if (barOpen)
            cli.Error.WriteLine();
        barOpen = false;
    }

    public void Dispose() => Finish();

    /// <summary>Hours, minutes and seconds (<c>h:mm:ss</c>), whatever the hours, rounded down to the second.</summary>
    public static string Duration(TimeSpan span) =>
        string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalHours}:{span.Minutes:D2}:{span.Seconds:D2}");
}
