using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>
/// Runs the BUILT server as a child process, the way an operator runs it
/// (<c>dotnet Web.Server.dll --urls http://127.0.0.1:PORT</c>), on a data folder of its own, and waits until
/// <c>/health</c> answers. End-to-end tests against the real engine start it this way.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, Uri address, string dataFolder)
    {
        _process = process;
        Address = address;
        DataFolder = dataFolder;
    }

    public Uri Address { get; }

    public string DataFolder { get; }

    /// <summary>The status <c>/health</c> answered when the server came up (200 ready, 503 not ready, with the reason).</summary>
    public HttpStatusCode HealthStatus { get; private set; }

    public string HealthBody { get; private set; } = "";

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
                return _output.ToList();
        }
    }

    /// <summary>The server's build output for this test run's configuration.</summary>
    public static string BuiltServerPath
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var runtime = testOutput.Name;
            var framework = testOutput.Parent!.Name;
            var configuration = testOutput.Parent.Parent!.Name;
            return Path.Combine(SharedData.RepositoryRoot, "Web.Server", "bin", configuration, framework, runtime, "Web.Server.dll");
        }
    }

    public static async Task<ServerProcess> StartAsync(string dataFolder, IDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        var dll = BuiltServerPath;
        if (!File.Exists(dll))
            throw new FileNotFoundException($"Build the solution first: the server is not at {dll}.", dll);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Storage__DataFolder"] = dataFolder;
        // One LibTorch thread, as in the test host: the suite keeps both cores busy, and two OpenMP threads in a
        // second process then wait on each other at every parallel region (the nine showcase pairs once took over
        // five minutes in a full run). A test may still ask for more.
        start.Environment["Engine__Threads"] = "1";
        // The tests drive it from this machine, as the load test does its server: loopback is exempt from the
        // per-address limits, as in StudioFactory.
        start.Environment["Network__ExemptNetworks__0"] = "127.0.0.0/8";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"), dataFolder);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitForHealthAsync(timeout ?? TimeSpan.FromSeconds(120));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.Add(line);
    }

    private async Task WaitForHealthAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode}:\n{string.Join('\n', Output)}");
            try
            {
                using var response = await http.GetAsync("health");
                HealthStatus = response.StatusCode;
                HealthBody = await response.Content.ReadAsStringAsync();
                if (HealthStatus == HttpStatusCode.OK || HealthBody.Contains("\"database\":\"ready\"", StringComparison.Ordinal)
                    && !HealthBody.Contains("starting", StringComparison.Ordinal))
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Still starting.
            }

            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The server did not answer /health within {timeout}:\n{string.Join('\n', Output)}");
            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
