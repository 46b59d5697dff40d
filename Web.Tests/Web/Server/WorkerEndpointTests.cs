using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>
/// <c>/api/worker/*</c> on the real app: only remote mode has it, only the workers' key opens it, and a worker sees a
/// job's inputs only while it holds the job. (The Redis these tests name is never reached: nothing here needs it.)
/// </summary>
public sealed class WorkerEndpointTests : IDisposable
{
    private readonly TempFolder _data = new("worker-endpoints");
    private readonly string _key = new('k', 48);

    private StudioFactory Remote()
    {
        var keyFile = _data.File("worker.key");
        File.WriteAllText(keyFile, _key);
        return new StudioFactory(_data.File("data"), new TestGenerationBackend(), new Dictionary<string, string?>
        {
            ["Engine:Mode"] = "remote",
            ["Engine:WorkerKeyFile"] = keyFile,
            ["Redis:Configuration"] = "127.0.0.1:1",
        });
    }

    [Fact]
    public async Task In_process_mode_has_no_worker_endpoints()
    {
        await using var factory = new StudioFactory(_data.File("data"), new TestGenerationBackend());
        using var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);

        using var response = await http.PostAsJsonAsync("/api/worker/hello", new WorkerHello("w1", "1", "cpu", 1), WorkerJson.Options);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-the-key-at-all-but-long-enough-to-look-real")]
    [InlineData("Basic a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tr")]
    public async Task Without_the_key_every_worker_call_is_refused(string? authorization)
    {
        await using var factory = Remote();
        using var http = factory.CreateClient();
        if (authorization is not null)
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        var job = Guid.NewGuid();

        var answers = new[]
        {
            (await http.PostAsJsonAsync("/api/worker/hello", new WorkerHello("w1", "1", "cpu", 1), WorkerJson.Options)).StatusCode,
            (await http.GetAsync($"/api/worker/jobs/{job:N}/audio?name=w1&session=x")).StatusCode,
            (await http.PostAsJsonAsync($"/api/worker/jobs/{job:N}/result",
                new WorkerResult("w1", "x", 1, WorkerOutcomes.Completed, null, 1, [1], [1], 0, null, [], false, false), WorkerJson.Options)).StatusCode,
        };

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
    }

    [Fact]
    public async Task A_worker_reads_no_inputs_of_a_job_it_does_not_hold_and_a_second_live_worker_cannot_take_its_name()
    {
        await using var factory = Remote();
        using var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        using var hello = await http.PostAsJsonAsync("/api/worker/hello", new WorkerHello("w1", "1", "cpu", 1), WorkerJson.Options);
        var welcome = await hello.Content.ReadFromJsonAsync<WorkerWelcome>(WorkerJson.Options);
        // Announced, so the studio knows the model's limits and takes jobs; the job waits (nothing reaches Redis here).
        var engine = new EngineDescription("demo", "model-hash", null, "adapter-hash", "cpu float32", true, [], false, [GenerationSettings.DefaultScheduler],
            new GenerationSettings { Prompt = "", Width = 64, Height = 64 }, GenerationLimits.Engine(8));
        using (var ready = await http.PostAsJsonAsync("/api/worker/ready", new WorkerReady("w1", welcome!.Session, engine, 0), WorkerJson.Options))
            Assert.Equal(HttpStatusCode.NoContent, ready.StatusCode);
        using var visitor = factory.ClientFor("owner-0001");
        var job = await visitor.QueueAsync("a dog", Wav.Tone());
        using var again = await http.PostAsJsonAsync("/api/worker/hello", new WorkerHello("w1", "1", "cpu", 1), WorkerJson.Options);
        using var audio = await http.GetAsync($"/api/worker/jobs/{job:N}/audio?name=w1&session={welcome.Session}");
        using var forged = await http.GetAsync($"/api/worker/jobs/{job:N}/audio?name=w1&session=not-its-session");
        using var badName = await http.PostAsJsonAsync("/api/worker/hello", new WorkerHello("w2\nINFO forged log line", "1", "cpu", 1), WorkerJson.Options);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Conflict), (hello.StatusCode, again.StatusCode));
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.Gone, HttpStatusCode.BadRequest), (audio.StatusCode, forged.StatusCode, badName.StatusCode));
    }

    public void Dispose() => _data.Dispose();
}
