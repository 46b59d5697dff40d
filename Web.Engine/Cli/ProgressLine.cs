using System.Diagnostics;
using System.Globalization;
using Clap2Diffusion.Engine.Evaluation;

namespace Clap2Diffusion.Engine.Cli;

/// <summary>
/// Shows a run's progress on stderr: a bar redrawn in place when stderr is a terminal, otherwise a plain line
/// at each tenth of the way and at least every <see cref="LineInterval"/>, so logs stay short and readable.
/// </summary>
public sealed class ProgressLine(CliContext cli) : IProgress<EvaluationProgress>
{
    public static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(30);
    private const int BarWidth = 30;

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private TimeSpan lastLine = TimeSpan.Zero;
    private int lastTenth = -1;
    private string lastStage = "";
    private bool barOpen;

    public void Report(EvaluationProgress value)
    {
        if (cli.ErrorIsTerminal)
            Redraw(value);
        else
            Log(value);
    }

    /// <summary>Ends a redrawn bar with a newline, so the next message starts on its own line.</summary>
    public void Finish()
    {
        if (!barOpen)
            return;
        cli.Error.WriteLine();
        barOpen = false;
    }

    private void Redraw(EvaluationProgress value)
    {
        if (value.Stage != "generating")
        {
            Finish();
            cli.Error.WriteLine($"{value.Stage}: {value.Detail}");
            return;
        }
        var filled = value.Total == 0 ? BarWidth : BarWidth * value.Done / value.Total;
        var bar = new string('#', filled) + new string('.', BarWidth - filled);
        var line = string.Create(CultureInfo.InvariantCulture, $"[{bar}] {value.Done}/{value.Total} {Eta(value)} {value.Detail}");
        cli.Error.Write("\r" + line.PadRight(99)[..99]);
        barOpen = true;
    }

    private void Log(EvaluationProgress value)
    {
        if (value.Stage != "generating")
        {
            if (value.Stage != lastStage)
                cli.Error.WriteLine($"{value.Stage}: {value.Detail}");
            lastStage = value.Stage;
            return;
        }
        lastStage = value.Stage;
        var tenth = value.Total == 0 ? 10 : 10 * value.Done / value.Total;
        var now = clock.Elapsed;
        if (tenth == lastTenth && now - lastLine < LineInterval && value.Done != value.Total)
            return;
        lastTenth = tenth;
        lastLine = now;
        cli.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generated {value.Done}/{value.Total} images ({100.0 * value.Done / Math.Max(1, value.Total):0}%), {Eta(value)}; last: {value.Detail}"));
    }

    private string Eta(EvaluationProgress value)
    {
        if (value.Done == 0)
            return "eta unknown";
        var remaining = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / value.Done * (value.Total - value.Done));
        return remaining.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"eta {(int)remaining.TotalHours}h{remaining.Minutes:D2}m")
            : string.Create(CultureInfo.InvariantCulture, $"eta {remaining.Minutes}m{remaining.Seconds:D2}s");
    }
}
