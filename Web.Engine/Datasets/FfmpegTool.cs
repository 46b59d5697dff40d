using System.Diagnostics;
using System.Text;

namespace Clap2Diffusion.Engine.Datasets;

/// <summary>How one ffmpeg run ended: its exit code, whether it was killed for taking too long, and its last error line.</summary>
public sealed record FfmpegResult(int ExitCode, bool TimedOut, string LastError)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>
/// Runs ffmpeg on local files: no shell, arguments as a list, only the file protocol, no stdin, and a time limit
/// after which the process is killed. Paths are written as <c>file:</c> URLs of absolute paths, so a name that
/// begins with '-' (many YouTube ids do) is never read as an option.
/// </summary>
public sealed class FfmpegTool(string executable, TimeSpan timeLimit)
{
    private const int StderrChars = 4000;
    private static readonly string[] Preamble = ["-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "file"];

    private int runs;

    /// <summary>How many ffmpeg processes this tool has started.</summary>
    public int Runs => Volatile.Read(ref runs);

    /// <summary>The ffmpeg on PATH; an input error naming the package when there is none.</summary>
    public static string Locate() =>
        Audio.FfmpegDecoder.Locate(null)
        ?? throw new InputException("prepare-audiocaps needs ffmpeg on PATH (Debian/Ubuntu: apt-get install ffmpeg)");

    public static string FileUrl(string path) => "file:" + Path.GetFullPath(path);

    public FfmpegResult Run(IEnumerable<string> arguments, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in Preamble.Concat(arguments))
            start.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = start };
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, line) =>
        {
            lock (stderr)
                if (line.Data is not null && stderr.Length < StderrChars)
                    stderr.AppendLine(line.Data);
        };
        process.OutputDataReceived += (_, _) => { };
        try
        {
            process.Start();
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new InputException($"ffmpeg could not be started from {executable} ({error.Message})", error);
        }
        Interlocked.Increment(ref runs);
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            using (cancellation.Register(() => Kill(process)))
            {
                var finished = process.WaitForExit(timeLimit);
                if (!finished)
                    Kill(process);
                process.WaitForExit();
                cancellation.ThrowIfCancellationRequested();
                return new FfmpegResult(finished ? process.ExitCode : -1, !finished, LastLine(stderr));
            }
        }
        finally
        {
            Kill(process);
        }
    }

    private static string LastLine(StringBuilder stderr)
    {
        lock (stderr)
            return stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .LastOrDefault() ?? "";
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
