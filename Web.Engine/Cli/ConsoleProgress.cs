namespace Clap2Diffusion.Engine.Cli;

/// <summary>
/// Progress on stderr: a redrawn bar with an ETA when stderr is a terminal, otherwise a line now and then, so
/// logs stay readable and stdout stays free for results. Elapsed time and ETA are per label (a build's stage),
/// so a long earlier stage does not inflate a later one's estimate.
/// </summary>
public sealed class ConsoleProgress(CliContext cli, TimeSpan? lineInterval = null) : IDisposable
{
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly TimeSpan interval = lineInterval ?? TimeSpan.FromSeconds(5);
    private TimeSpan? lastLine;
    private bool drewBar;
    private string? phase;
    private TimeSpan phaseStart;

    public void Report(string label, long done, long total)
    {
        if (label != phase)
        {
            phase = label;
            phaseStart = clock.Elapsed;
            lastLine = null;
        }
        var elapsed = clock.Elapsed - phaseStart;
        var fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : 0;
        var eta = fraction > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds / fraction - elapsed.TotalSeconds) : TimeSpan.Zero;
        if (cli.ErrorIsTerminal)
        {
            const int width = 30;
            var filled = (int)Math.Round(fraction * width);
            cli.Error.Write($"\r{label,-12} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} eta {eta:mm\\:ss}   ");
            drewBar = true;
        }
        else if (lastLine is null || elapsed - lastLine >= interval || done == total)
        {
            cli.Error.WriteLine($"{label} {done}/{total} ({fraction:P0}) elapsed {elapsed:hh\\:mm\\:ss} eta {eta:hh\\:mm\\:ss}");
            lastLine = elapsed;
        }
    }

    public void Finish()
    {
        if (drewBar)
            cli.Error.WriteLine();
        drewBar = false;
    }

    public void Dispose() => Finish();
}
