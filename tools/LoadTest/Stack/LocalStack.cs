using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;

namespace Clap2Diffusion.LoadTest.Stack;

/// <summary>
/// Remote mode as an operator runs it, on loopback and in a temporary folder of its own: <c>redis-server</c> without
/// persistence, the built front end with <c>Engine:Mode remote</c>, and the layout's <c>serve</c> workers on the CPU.
/// Every start waits a bounded time; disposing stops everything (SIGTERM, then kill) and deletes the folder.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    private static readonly TimeSpan RedisStart = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan FrontEndStart = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan WorkersStart = TimeSpan.FromMinutes(3);
    private const int DrainSeconds = 10;

    private readonly string _folder;
    private readonly TextWriter _log;
    private readonly List<ChildProcess> _workers = [];
    private ChildProcess? _redis;
    private ChildProcess? _frontEnd;

    private LocalStack(string folder, TextWriter log)
    {
        _folder = folder;
        _log = log;
    }

    public Uri Server { get; private set; } = new("http://127.0.0.1/");

    public static async Task<LocalStack> StartAsync(WorkerLayout layout, string? redisServerPath, TextWriter log, CancellationToken token)
    {
        var redisServer = RedisExecutable(redisServerPath);
        var frontEnd = BuiltPrograms.FrontEnd;
        var engine = BuiltPrograms.Engine;
        // CreateTempSubdirectory makes the folder 0700 on Unix: the key file inside is nobody else's to read.
        var stack = new LocalStack(Directory.CreateTempSubdirectory("c2d-load-stack-").FullName, log);
        try
        {
            var redis = await stack.StartRedisAsync(redisServer, token);
            var keyFile = stack.WriteKeyFile();
            await stack.StartFrontEndAsync(frontEnd, redis, keyFile, token);
            await stack.StartWorkersAsync(engine, layout, redis, keyFile, token);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>The path to run, or a message that says how to get one.</summary>
    private static string RedisExecutable(string? path)
    {
        if (path is not null)
            return File.Exists(path) ? path : throw new InvalidOperationException($"--redis-server '{path}' does not exist.");
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/bin")
            .Select(folder => Path.Combine(folder, "redis-server"))
            .FirstOrDefault(File.Exists);
        return found ?? throw new InvalidOperationException(
            "--workers starts its own Redis, but redis-server is not on the PATH: apt-get install redis-server, or give --redis-server PATH.");
    }

    private async Task<string> StartRedisAsync(string executable, CancellationToken token)
    {
        var port = FreeLoopbackPort();
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "redis")).FullName;
        // No RDB snapshots, no AOF: the front end's database is the record, and a load test's Redis dies with it.
        _redis = ChildProcess.Start("redis-server", executable,
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--protected-mode", "yes", "--save", "", "--appendonly", "no",
                "--dir", folder]);
        var deadline = DateTime.UtcNow + RedisStart;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, token);
                _log.WriteLine($"redis-server on 127.0.0.1:{port}");
                return $"127.0.0.1:{port}";
            }
            catch (SocketException) when (!_redis.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, token);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"redis-server did not answer within {RedisStart.TotalSeconds:0} s. {_redis.ExitDescription}");
            }
        }
    }

    /// <summary>A fresh worker key, 48 random bytes in base64, readable by this user only.</summary>
    private string WriteKeyFile()
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("--workers starts redis-server and signals its processes as on Linux.");
        var path = Path.Combine(_folder, "worker.key");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using var writer = new StreamWriter(path, options);
        writer.WriteLine(Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));
        return path;
    }

    private async Task StartFrontEndAsync(string dll, string redis, string keyFile, CancellationToken token)
    {
        var port = FreeLoopbackPort();
        Server = new Uri($"http://127.0.0.1:{port}/");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Storage__DataFolder"] = Path.Combine(_folder, "data"),
            ["Engine__Mode"] = "remote",
            ["Engine__WorkerKeyFile"] = keyFile,
            ["Redis__Configuration"] = redis,
            // Only the load test's jobs: the demo model's showcase pairs would be work for the workers too.
            ["Studio__SeedExamples"] = "false",
            // Every simulated user comes from 127.0.0.1; the per-address limits would refuse most of them.
            ["Network__ExemptNetworks__0"] = "127.0.0.0/8",
        };
        _frontEnd = ChildProcess.Start("front end", "dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"], environment, Path.GetDirectoryName(dll));
        using var http = new HttpClient { BaseAddress = Server, Timeout = TimeSpan.FromSeconds(5) };
        await WaitUntilAsync(async () => await AnswersHealthAsync(http, token), FrontEndStart, () => _frontEnd, "the front end answering /health", token);
        _log.WriteLine($"front end (remote mode) on {Server}");
    }

    private async Task StartWorkersAsync(string dll, WorkerLayout layout, string redis, string keyFile, CancellationToken token)
    {
        var threads = layout.ThreadsEach.ToString(CultureInfo.InvariantCulture);
        // OpenMP sizes its pool from the cores, not from --threads: each worker keeps to its share of the machine.
        var environment = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = threads };
        for (var i = 1; i <= layout.Workers; i++)
        {
            var name = $"load-{i}";
            _workers.Add(ChildProcess.Start($"worker {name}", "dotnet",
                [dll, "serve", "--redis", redis, "--server", Server.ToString(), "--key-file", keyFile, "--name", name, "--device", "cpu",
                    "--threads", threads, "--drain-seconds", DrainSeconds.ToString(CultureInfo.InvariantCulture)],
                environment, Path.GetDirectoryName(dll)));
        }

        using var http = new HttpClient { BaseAddress = Server, Timeout = TimeSpan.FromSeconds(5) };
        await WaitUntilAsync(async () => await IdleWorkersAsync(http, token) == layout.Workers, WorkersStart,
            () => _workers.FirstOrDefault(w => w.HasExited), $"/health listing {layout} idle", token);
        _log.WriteLine($"{layout} idle");
    }

    private static async Task<JsonDocument?> HealthAsync(HttpClient http, CancellationToken token)
    {
        try
        {
            using var response = await http.GetAsync("health", token);
            return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)) : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !token.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task<bool> AnswersHealthAsync(HttpClient http, CancellationToken token)
    {
        using var health = await HealthAsync(http, token);
        return health is not null;
    }

    private static async Task<int> IdleWorkersAsync(HttpClient http, CancellationToken token)
    {
        using var health = await HealthAsync(http, token);
        if (health is null || !health.RootElement.GetProperty("checks").TryGetProperty("workers", out var workers))
            return 0;
        return workers.EnumerateArray().Count(w => w.GetProperty("state").GetString() == "idle");
    }

    /// <summary>Polls until <paramref name="ready"/>, failing early with the output of a process that has died.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> ready, TimeSpan limit, Func<ChildProcess?> died, string what, CancellationToken token)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await ready())
        {
            if (died() is { HasExited: true } dead)
                throw new InvalidOperationException($"Waiting for {what}: {dead.ExitDescription}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No {what} within {limit.TotalSeconds:0} s.");
            await Task.Delay(200, token);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_workers.Select(w => w.StopAsync(TimeSpan.FromSeconds(DrainSeconds + 10))));
        foreach (var worker in _workers)
            await worker.DisposeAsync();
        if (_frontEnd is not null)
            await _frontEnd.DisposeAsync();
        if (_redis is not null)
            await _redis.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException exception)
        {
            _log.WriteLine($"could not delete {_folder}: {exception.Message}");
        }
    }
}
