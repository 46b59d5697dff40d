using System.Net;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;

namespace Clap2Diffusion.Tests.Web.Server;

public sealed class QueueTests : IDisposable
{
    private readonly TempFolder _data = new("queue");
    private readonly TestGenerationBackend _backend = new();

    private StudioFactory Start(IDictionary<string, string?>? settings = null) => new(_data.Path, _backend, settings);

    [Fact]
    public async Task Jobs_run_one_at_a_time_on_the_engine_thread_in_submission_order()
    {
        await using var factory = await Start().ReadyAsync();
        _backend.Gate.Reset();
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
            ids.Add(await factory.ClientFor($"client-{i:D4}").QueueAsync($"a dog {i}"));
        _backend.Gate.Set();

        var client = factory.ClientFor("observer-1");
        foreach (var id in ids)
            Assert.Equal("Completed", (await client.WaitForAsync(id)).GetProperty("state").GetString());
        Assert.Equal(ids, _backend.RunOrder);
        Assert.Equal(1, _backend.MaxConcurrent);
        Assert.All(_backend.Threads, name => Assert.Equal("c2d-engine", name));
    }

    [Fact]
    public async Task Each_user_sees_their_position_in_the_queue()
    {
        await using var factory = await Start().ReadyAsync();
        _backend.Gate.Reset();
        var client = factory.ClientFor("positions");
        var running = await client.QueueAsync("first");
        await _backend.Started.WaitAsync(TimeSpan.FromSeconds(30));
        var second = await client.QueueAsync("second");
        var third = await client.QueueAsync("third");

        Assert.Equal(0, (await client.StatusAsync(running)).GetProperty("position").GetInt32());
        Assert.Equal(1, (await client.StatusAsync(second)).GetProperty("position").GetInt32());
        Assert.Equal(2, (await client.StatusAsync(third)).GetProperty("position").GetInt32());
        _backend.Gate.Set();
        await client.WaitForAsync(third);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await client.StatusAsync(third)).GetProperty("position").ValueKind);
    }

    [Fact]
    public async Task A_visitors_job_runs_before_the_showcase_examples_queued_earlier()
    {
        await using var factory = await Start().ReadyAsync();
        _backend.Gate.Reset();
        var client = factory.ClientFor("newcomer");
        var running = await client.QueueAsync("first");
        await _backend.Started.WaitAsync(TimeSpan.FromSeconds(30));
        var store = factory.Get<JobStore>();
        var template = await store.FindAsync(running, CancellationToken.None);
        var examples = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var example = new JobEntity
            {
                Id = Guid.NewGuid(), OwnerId = ExampleOwner.Id, Kind = JobKind.TextOnly, State = JobState.Queued,
                SettingsJson = template!.SettingsJson, Prompt = $"example {i}", Seed = i, CreatedAt = DateTime.UtcNow,
            };
            await store.AddAsync(example, CancellationToken.None);
            examples.Add(example.Id);
        }
        var mine = await client.QueueAsync("a newcomer's pair");

        Assert.Equal(1, (await client.StatusAsync(mine)).GetProperty("position").GetInt32());
        var examplePositions = await Task.WhenAll(examples.Select(async id => (await client.StatusAsync(id)).GetProperty("position").GetInt32()));
        Assert.Equal(new[] { 2, 3, 4 }, examplePositions);
        _backend.Gate.Set();
        foreach (var id in examples)
            await client.WaitForAsync(id);
        Assert.Equal([running, mine, .. examples], _backend.RunOrder);
    }

    [Fact]
    public async Task A_failing_job_does_not_stop_the_queue()
    {
        await using var factory = await Start().ReadyAsync();
        var client = factory.ClientFor("failures");
        var exploding = await client.QueueAsync("please explode");
        var unreadable = await client.QueueAsync("unreadable clip");
        var fine = await client.QueueAsync("a calm lake");

        var failed = await client.WaitForAsync(exploding);
        Assert.Equal("Failed", failed.GetProperty("state").GetString());
        Assert.Contains("exploded", failed.GetProperty("error").GetString());
        var refused = await client.WaitForAsync(unreadable);
        Assert.Equal("The clip could not be decoded.", refused.GetProperty("error").GetString());
        Assert.Equal("Completed", (await client.WaitForAsync(fine)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Only_the_owner_can_cancel_a_queued_job()
    {
        await using var factory = await Start().ReadyAsync();
        _backend.Gate.Reset();
        var owner = factory.ClientFor("owner-one");
        var stranger = factory.ClientFor("stranger-one");
        var running = await owner.QueueAsync("running");
        var queued = await owner.QueueAsync("queued");

        using (var refused = await stranger.PostAsync($"/api/jobs/{queued}/cancel", null))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await _backend.Started.WaitAsync(TimeSpan.FromSeconds(30));
        using (var tooLate = await owner.PostAsync($"/api/jobs/{running}/cancel", null))
            Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
        using (var cancelled = await owner.PostAsync($"/api/jobs/{queued}/cancel", null))
            Assert.Equal(HttpStatusCode.NoContent, cancelled.StatusCode);
        _backend.Gate.Set();

        Assert.Equal("Completed", (await owner.WaitForAsync(running)).GetProperty("state").GetString());
        Assert.Equal("Cancelled", (await owner.StatusAsync(queued)).GetProperty("state").GetString());
        Assert.DoesNotContain(queued, _backend.RunOrder);
    }

    [Fact]
    public async Task Only_the_owner_can_skip_a_running_job_and_the_queue_moves_on()
    {
        await using var factory = await Start().ReadyAsync();
        _backend.Gate.Reset();
        var owner = factory.ClientFor("owner-two");
        var stranger = factory.ClientFor("stranger-two");
        var running = await owner.QueueAsync("long one");
        var next = await stranger.QueueAsync("next one");
        await _backend.Started.WaitAsync(TimeSpan.FromSeconds(30));

        using (var refused = await stranger.PostAsync($"/api/jobs/{running}/skip", null))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using (var notRunning = await stranger.PostAsync($"/api/jobs/{next}/skip", null))
            Assert.Equal(HttpStatusCode.Conflict, notRunning.StatusCode);
        using (var skipped = await owner.PostAsync($"/api/jobs/{running}/skip", null))
            Assert.Equal(HttpStatusCode.NoContent, skipped.StatusCode);

        var ended = await owner.WaitForAsync(running);
        Assert.Equal("Skipped", ended.GetProperty("state").GetString());
        _backend.Gate.Set();
        Assert.Equal("Completed", (await stranger.WaitForAsync(next)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Each_client_may_have_only_so_many_jobs_waiting()
    {
        await using var factory = await Start(new Dictionary<string, string?> { ["Queue:MaxActivePerClient"] = "2" }).ReadyAsync();
        _backend.Gate.Reset();
        var client = factory.ClientFor("greedy-client");
        await client.QueueAsync("one");
        await client.QueueAsync("two");

        using var third = await client.SubmitAsync("three");
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("at most 2 at once", (await third.ProblemAsync()).GetProperty("detail").GetString());
        await factory.ClientFor("other-client").QueueAsync("someone else is fine");
        _backend.Gate.Set();
    }

    [Fact]
    public async Task Bursts_of_submissions_are_rate_limited_per_client()
    {
        await using var factory = await Start(new Dictionary<string, string?> { ["Queue:SubmissionsPerWindow"] = "3" }).ReadyAsync();
        var client = factory.ClientFor("bursty-client");
        for (var i = 0; i < 3; i++)
            await client.QueueAsync($"burst {i}");

        using var fourth = await client.SubmitAsync("one too many");
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Contains("Too many submissions: at most 3 per 1 min", (await fourth.ProblemAsync()).GetProperty("detail").GetString());
        await factory.ClientFor("calm-client").QueueAsync("another client still gets through");
    }

    [Fact]
    public async Task On_the_cpu_the_caps_narrow_steps_and_size()
    {
        var cpu = new TestGenerationBackend { Device = "cpu float32" };
        await using var factory = await new StudioFactory(_data.Path, cpu,
            new Dictionary<string, string?> { ["Queue:CpuMaxSteps"] = "10", ["Queue:CpuMaxSide"] = "256" }).ReadyAsync();
        var client = factory.ClientFor("cpu-client");

        var engine = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/api/engine")).RootElement;
        Assert.Equal(10, engine.GetProperty("info").GetProperty("limits").GetProperty("maxSteps").GetInt32());
        Assert.Equal(256, engine.GetProperty("info").GetProperty("limits").GetProperty("maxSide").GetInt32());
        using var tooMany = await client.SubmitAsync("a dog", fields: new Dictionary<string, string> { ["steps"] = "20", ["width"] = "512" });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        var detail = (await tooMany.ProblemAsync()).GetProperty("detail").GetString();
        Assert.Contains("Steps must be between 1 and 10", detail);
        Assert.Contains("Width must be a multiple of 8 between 64 and 256", detail);
    }

    [Fact]
    public async Task Every_job_is_logged_with_its_id_timings_and_outcome()
    {
        await using var factory = await Start().ReadyAsync();
        var client = factory.ClientFor("logged-client");
        var done = await client.QueueAsync("a logged dog");
        var failed = await client.QueueAsync("explode loudly");
        await client.WaitForAsync(failed);
        await client.WaitForAsync(done);

        await StudioApi.WaitUntilAsync(() => factory.Logs.About(failed).Any(e => e.Message.Contains("ended Failed")), "the failure is logged");
        var lines = factory.Logs.About(done).Select(e => e.Message).ToList();
        Assert.Contains(lines, l => l.Contains("queued by logged-client"));
        Assert.Contains(lines, l => l.Contains("started after waiting"));
        var completed = factory.Logs.About(done).Single(e => e.Message.Contains("completed in"));
        Assert.True(completed.Properties.ContainsKey("RunMs"));
    }

    public void Dispose() => _data.Dispose();
}
