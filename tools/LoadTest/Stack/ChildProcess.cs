using System.Diagnostics;

namespace Clap2Diffusion.LoadTest.Stack;

/// <summary>
/// A program the load test starts and must stop again: its last lines of output kept for error messages, stopped with
/// SIGTERM (workers drain, the front end shuts down cleanly) and killed when it outstays the grace period.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 80;

    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string name, string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} ({program}) did not start.");
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last lines it printed, for a message that explains why it failed.</summary>
    public string Tail()
    {
        lock (_tail)
            return string.Join('\n', _tail);
    }

    public string ExitDescription => _process.HasExited ? $"{Name} exited with code {_process.ExitCode}:\n{Tail()}" : $"{Name} is running:\n{Tail()}";

    /// <summary>SIGTERM, then SIGKILL (its whole tree) if it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
            return;
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await term.WaitForExitAsync();
        using var patience = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > KeptLines)
                _tail.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
