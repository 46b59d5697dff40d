using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>
/// The studio in remote mode as an operator runs it, every part a real process: <c>redis-server</c> on a free
/// loopback port, the built front end with <c>Engine:Mode remote</c> and a 5-second lease, and engine workers on the
/// embedded demo model started with <c>serve</c>.
/// </summary>
public sealed class RemoteStudio : IAsyncDisposable
{
    public const int LeaseSeconds = 5;

    private readonly List<WorkerProcess> _workers = [];

    private RemoteStudio(RedisServer redis, ServerProcess server, string keyFile)
    {
        Redis = redis;
        Server = server;
        KeyFile = keyFile;
    }

    public RedisServer Redis { get; }

    public ServerProcess Server { get; }

    public string KeyFile { get; }

    public IReadOnlyList<WorkerProcess> Workers => _workers;

    public static async Task<RemoteStudio> StartAsync(IDictionary<string, string>? settings = null)
    {
        var redis = await RedisServer.StartAsync();
        var keyFile = Path.Combine(Path.GetTempPath(), $"c2d-worker-key-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(36)) + "\n");
        var environment = new Dictionary<string, string>
        {
            ["Engine__Mode"] = "remote",
            ["Engine__WorkerKeyFile"] = keyFile,
            ["Engine__WorkerLeaseSeconds"] = LeaseSeconds.ToString(),
            ["Redis__Configuration"] = redis.Configuration,
            ["Studio__SeedExamples"] = "false",
            ["Queue__MaxActivePerClient"] = "20",
            // Long jobs (150 steps) give the kill, stall and skip tests a job that is surely mid-way.
            ["Queue__CpuMaxSteps"] = "150",
            ["Queue__PreviewInterval"] = "00:00:00.010",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key] = value;
        var data = Path.Combine(Path.GetTempPath(), $"c2d-remote-studio-{Guid.NewGuid():N}");
        var server = await ServerProcess.StartAsync(data, environment);
        return new RemoteStudio(redis, server, keyFile);
    }

    /// <summary>Starts a worker and waits until the front end lists it as idle.</summary>
    public async Task<WorkerProcess> StartWorkerAsync(string name, params string[] extra)
    {
        var worker = StartWorkerProcess(name, extra);
        _workers.Add(worker);
        using var http = Client();
        await StudioApi.WaitUntilAsync(() => WorkerStateAsync(http, name).GetAwaiter().GetResult() == "idle" || worker.HasExited,
            $"worker {name} is idle; it printed:\n{string.Join('\n', worker.Output)}", 120);
        Assert.False(worker.HasExited, $"worker {name} exited with {(worker.HasExited ? worker.ExitCode : 0)}:\n{string.Join('\n', worker.Output)}");
        return worker;
    }

    /// <summary>Starts <c>serve</c> against this studio without waiting for anything.</summary>
    public WorkerProcess StartWorkerProcess(string name, params string[] extra) =>
        WorkerProcess.Start(name, ["--redis", Redis.Configuration, "--server", Server.Address.ToString(), "--key-file", KeyFile, .. extra]);

    /// <summary>The front end's own database, read only, as an operator would inspect it.</summary>
    public Clap2Diffusion.Server.Persistence.StudioDbContext Database() =>
        new(new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<Clap2Diffusion.Server.Persistence.StudioDbContext>()
            .UseSqlite($"Data Source={Path.Combine(Server.DataFolder, "studio.db")};Mode=ReadOnly").Options);

    /// <summary>The run an admin run page's address names (<c>/admin/training/{id}</c>, <c>/admin/evaluation/{id}</c>).</summary>
    public static Guid RunIdOf(string url) => Guid.Parse(url.TrimEnd('/').Split('/')[^1].Split('?')[0]);

    public HttpClient Client(string? clientId = null)
    {
        var http = new HttpClient { BaseAddress = Server.Address, Timeout = TimeSpan.FromSeconds(30) };
        if (clientId is not null)
            http.DefaultRequestHeaders.Add("X-Client-Id", clientId);
        return http;
    }

    /// <summary>A client with an id the front end issued.</summary>
    public async Task<HttpClient> NewClientAsync()
    {
        using var anonymous = Client();
        return Client(await anonymous.IssuedClientIdAsync());
    }

    public static async Task<string?> WorkerStateAsync(HttpClient http, string name)
    {
        using var health = JsonDocument.Parse(await http.GetStringAsync("health"));
        foreach (var worker in health.RootElement.GetProperty("checks").GetProperty("workers").EnumerateArray())
            if (worker.GetProperty("name").GetString() == name)
                return worker.GetProperty("state").GetString();
        return null;
    }

    /// <summary>Waits until every job has ended, for at most <paramref name="seconds"/>, and returns their statuses.</summary>
    public static async Task<List<JsonElement>> WaitForAllAsync(HttpClient http, IEnumerable<Guid> jobs, int seconds = 180)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var ended = new List<JsonElement>();
        foreach (var job in jobs)
        {
            while (true)
            {
                var status = await http.StatusAsync(job);
                if (StudioApi.FinishedStates.Contains(status.GetProperty("state").GetString()))
                {
                    ended.Add(status);
                    break;
                }

                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"Job {job} did not end within {seconds} s; last: {status}");
                await Task.Delay(100);
            }
        }

        return ended;
    }

    /// <summary>How many finished jobs the gallery lists whose prompt holds <paramref name="tag"/>.</summary>
    public static async Task<int> GalleryCountAsync(HttpClient http, string tag)
    {
        using var page = JsonDocument.Parse(await http.GetStringAsync($"api/gallery?text={tag}&take=1"));
        return page.RootElement.GetProperty("total").GetInt32();
    }

    /// <summary>What the studio and the workers said, for a failing assertion's message.</summary>
    public string Logs() =>
        $"front end:\n{string.Join('\n', Server.Output.TakeLast(60))}\n" +
        string.Join('\n', _workers.Select(w => $"worker {w.Name}:\n{string.Join('\n', w.Output.TakeLast(30))}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
            await worker.DisposeAsync();
        await Server.DisposeAsync();
        await Redis.DisposeAsync();
        try
        {
            Directory.Delete(Server.DataFolder, recursive: true);
            File.Delete(KeyFile);
        }
        catch (IOException)
        {
            // A temp folder left behind is no failure of the studio.
        }
    }
}
