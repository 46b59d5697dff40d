using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Models;
using Clap2Diffusion.Server.Workers;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>
/// The front end's side of model sets, on the real app with workers played over HTTP: which set is active, how an
/// admin's switch reaches workers and a worker's refusal reaches the admin, and which set a job may name. (The Redis
/// named here is never reached: nothing is released.)
/// </summary>
public sealed class ModelSetFleetTests : IDisposable
{
    private readonly TempFolder _data = new("model-set-fleet");
    private readonly string _key = new('k', 48);

    [Fact]
    public async Task A_switch_reaches_workers_a_refusal_is_reported_and_jobs_name_only_known_sets()
    {
        await using var factory = Remote();
        using var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        var session = await HelloAsync(http, "w1");
        var first = Engine("adapters-a");
        var second = Engine("adapters-b");
        await ReadyAsync(http, "w1", session, first, 0);
        var fleet = factory.Get<FleetModels>();
        Assert.Equal(first.ModelSet, fleet.Active);

        // A worker holding another set, on its own: known, not active.
        var other = await HelloAsync(http, "w2");
        await ReadyAsync(http, "w2", other, second, 0);
        Assert.Equal(first.ModelSet, fleet.Active);
        Assert.Equal(2, fleet.Known.Count);

        // The admin switches: the order rides on every heartbeat; a worker that cannot load it says why.
        await factory.Get<ModelSwitch>().RequestAsync(new ModelSelection(null, null, "/srv/models/adapters-b"), CancellationToken.None);
        var reply = await BeatAsync(http, new WorkerHeartbeat("w1", session, WorkerStates.Idle, null, "could not load the admin's model set (order 1): missing"));
        Assert.Equal((1L, "/srv/models/adapters-b"), (reply.Models!.Generation, reply.Models.AdapterFolder));
        var w1 = factory.Get<IWorkerConsole>().Fleet().Workers.Single(w => w.Name == "w1");
        Assert.Contains("missing", w1.LastError);
        // The first worker to load it makes its set the active one.
        await ReadyAsync(http, "w2", other, second, 1);
        Assert.Equal(second.ModelSet, fleet.Active);

        using var visitor = factory.ClientFor("owner-0001");
        using (var malformed = await visitor.SubmitAsync("a dog", null, new Dictionary<string, string> { ["modelSet"] = "not a key" }))
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        using (var unknown = await visitor.SubmitAsync("a dog", null, new Dictionary<string, string> { ["modelSet"] = new string('0', 16) }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("ever announced", await unknown.Content.ReadAsStringAsync());
        }
        using var named = await visitor.SubmitAsync("a dog", null, new Dictionary<string, string> { ["modelSet"] = first.ModelSet });
        Assert.Equal(HttpStatusCode.Accepted, named.StatusCode);
        var job = JsonDocument.Parse(await named.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetGuid();

        // Both workers now hold the second set, or say they do: the job for the first waits and says for what.
        await ReadyAsync(http, "w1", session, second, 1);
        var status = await visitor.StatusAsync(job);
        Assert.Equal("Queued", status.GetProperty("state").GetString());
        Assert.StartsWith($"waiting for an engine worker with model set {first.ModelSet} (demo, adapters adapters-a)", status.GetProperty("waiting").GetString());
    }

    [Fact]
    public async Task The_wait_is_shared_among_the_live_workers_of_the_set_and_the_dataset_roots_offered_are_those_a_worker_reads()
    {
        var roots = _data.File("datasets");
        Directory.CreateDirectory(roots);
        await using var factory = Remote(new Dictionary<string, string?> { ["Training:DatasetRoots:0"] = roots });
        using var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        var engine = Engine("adapters-a");
        await ReadyAsync(http, "w1", await HelloAsync(http, "w1"), engine, 0);
        using var visitor = factory.ClientFor("owner-0001");
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await visitor.SubmitAsync($"a dog {i}", null, new Dictionary<string, string> { ["steps"] = "4" })).StatusCode);
        var settings = new GenerationSettings { Prompt = "a cat", Steps = 4, Width = 64, Height = 64 };
        var estimates = factory.Get<Clap2Diffusion.Server.Jobs.JobEstimates>();
        var alone = await estimates.EstimateAsync(settings, JobKind.TextOnly, CancellationToken.None, engine.ModelSet);

        await ReadyAsync(http, "w2", await HelloAsync(http, "w2", [roots]), engine, 0);
        var shared = await estimates.EstimateAsync(settings, JobKind.TextOnly, CancellationToken.None, engine.ModelSet);

        Assert.Equal(2, alone.JobsAhead);
        Assert.True(alone.Wait > TimeSpan.Zero);
        Assert.Equal(alone.Wait / 2, shared.Wait);
        // Only w2 reads the configured root, and it is live: the form offers it.
        Assert.Equal([Path.GetFullPath(roots)], factory.Get<IRunConsole>().DatasetRoots);
    }

    [Fact]
    public async Task In_process_mode_refuses_a_job_for_a_set_it_does_not_hold()
    {
        await using var factory = new StudioFactory(_data.File("data"), new TestGenerationBackend());
        using var visitor = factory.ClientFor("owner-0001");
        using var response = await visitor.SubmitAsync("a dog", null, new Dictionary<string, string> { ["modelSet"] = new string('a', 16) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("in-process", await response.Content.ReadAsStringAsync());
    }

    private StudioFactory Remote(IDictionary<string, string?>? extra = null)
    {
        var keyFile = _data.File("worker.key");
        File.WriteAllText(keyFile, _key);
        var settings = new Dictionary<string, string?>
        {
            ["Engine:Mode"] = "remote",
            ["Engine:WorkerKeyFile"] = keyFile,
            ["Redis:Configuration"] = "127.0.0.1:1",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        return new StudioFactory(_data.File("data"), new TestGenerationBackend(), settings);
    }

    private static EngineDescription Engine(string adapters) =>
        new("demo", "model-hash", "clap-hash", adapters, "cpu float32", true, [], false, [GenerationSettings.DefaultScheduler],
            new GenerationSettings { Prompt = "", Width = 64, Height = 64 }, GenerationLimits.Engine(8));

    private static async Task<string> HelloAsync(HttpClient http, string name, IReadOnlyList<string>? sharedRoots = null)
    {
        using var hello = await http.PostAsJsonAsync("/api/worker/hello", new WorkerHello(name, "1", "cpu", 1, sharedRoots), WorkerJson.Options);
        return (await hello.Content.ReadFromJsonAsync<WorkerWelcome>(WorkerJson.Options))!.Session;
    }

    private static async Task ReadyAsync(HttpClient http, string name, string session, EngineDescription engine, long generation)
    {
        using var ready = await http.PostAsJsonAsync("/api/worker/ready", new WorkerReady(name, session, engine, generation), WorkerJson.Options);
        Assert.Equal(HttpStatusCode.NoContent, ready.StatusCode);
    }

    private static async Task<HeartbeatReply> BeatAsync(HttpClient http, WorkerHeartbeat beat)
    {
        using var response = await http.PostAsJsonAsync("/api/worker/heartbeat", beat, WorkerJson.Options);
        return (await response.Content.ReadFromJsonAsync<HeartbeatReply>(WorkerJson.Options))!;
    }

    public void Dispose() => _data.Dispose();
}
