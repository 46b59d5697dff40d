using System.Diagnostics;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>
/// The BUILT engine run as a worker (<c>dotnet Web.Engine.dll serve ...</c>), as an operator starts one, with its
/// output kept for the assertions and for failure messages.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private WorkerProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
                return _output.ToList();
        }
    }

    public static string BuiltEnginePath
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(SharedData.RepositoryRoot, "Web.Engine", "bin", testOutput.Parent!.Parent!.Name, testOutput.Parent.Name, testOutput.Name,
                "Web.Engine.dll");
        }
    }

    /// <summary>Starts <c>serve</c> with these arguments (one LibTorch thread unless they say otherwise).</summary>
    public static WorkerProcess Start(string name, params string[] arguments)
    {
        var dll = BuiltEnginePath;
        if (!File.Exists(dll))
            throw new FileNotFoundException($"Build the solution first: the engine is not at {dll}.", dll);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[dll, "serve", "--name", name, .. arguments])
            start.ArgumentList.Add(argument);
        if (!arguments.Contains("--threads"))
        {
            start.ArgumentList.Add("--threads");
            start.ArgumentList.Add("1");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var worker = new WorkerProcess(process, name);
        process.OutputDataReceived += (_, e) => worker.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> ExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    public Task WaitForOutputAsync(string text, int seconds = 60) =>
        StudioApi.WaitUntilAsync(() => Output.Any(line => line.Contains(text, StringComparison.Ordinal)) || _process.HasExited,
            $"worker {Name} printed '{text}'; it printed:\n{string.Join('\n', Output)}", seconds);

    /// <summary>Sends a POSIX signal (SIGKILL 9, SIGTERM 15, SIGSTOP 19, SIGCONT 18) through <c>kill</c>.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString()]);
        kill.WaitForExit();
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.Add(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal("CONT");
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
