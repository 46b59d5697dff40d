using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Tests.Web.Infrastructure;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

/// <summary>
/// Issue 19 with real processes and nothing faked: <c>redis-server</c> on a free loopback port, the built front end
/// in remote mode with a 5-second lease, and two <c>serve</c> workers on the embedded demo model. Jobs complete
/// exactly once whatever happens to a worker or to Redis, and a late result of a fenced-off attempt is discarded.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EngineWorkerProcessTests(BrowserFixture browser)
{
    [Fact]
    public async Task Twelve_pairs_from_three_clients_complete_once_across_both_workers_and_a_skip_ends_a_running_job()
    {
        await using var studio = await RemoteStudio.StartAsync();
        await studio.StartWorkerAsync("w1");
        await studio.StartWorkerAsync("w2");
        var tag = $"run{Guid.NewGuid():N}"[..12];

        var jobs = await QueuePairsAsync(studio, tag, clients: 3, each: 4, steps: 4);
        using var http = studio.Client();
        var ended = await RemoteStudio.WaitForAllAsync(http, jobs);

        Assert.All(ended, status => Assert.Equal("Completed", status.GetProperty("state").GetString()));
        Assert.All(ended, status => Assert.Equal(1, status.GetProperty("attempts").GetInt32()));
        var workers = ended.Select(s => s.GetProperty("worker").GetString()).ToList();
        Assert.True(workers.Contains("w1") && workers.Contains("w2"), $"both workers should run some jobs: {string.Join(", ", workers)}\n{studio.Logs()}");
        Assert.Equal(12, await RemoteStudio.GalleryCountAsync(http, tag));
        Assert.Equal(12, jobs.Distinct().Count());

        // Skip: a long job is skipped while it runs on a worker, and ends Skipped long before it would have finished.
        using var owner = await studio.NewClientAsync();
        var longJob = await owner.QueueAsync($"{tag} a red circle", Wav.Tone(), steps: 150);
        await WaitForStepAsync(owner, longJob, 3);
        using (var skip = await owner.PostAsync($"/api/jobs/{longJob}/skip", null))
            Assert.True(skip.IsSuccessStatusCode, await skip.Content.ReadAsStringAsync());
        var skipped = await owner.WaitForAsync(longJob);
        Assert.Equal("Skipped", skipped.GetProperty("state").GetString());
        Assert.True(skipped.GetProperty("lastProgress").ValueKind == JsonValueKind.Null
            || skipped.GetProperty("lastProgress").GetProperty("step").GetInt32() < 150, skipped.ToString());
    }

    [Fact]
    public async Task Previews_of_a_job_run_by_a_worker_reach_the_studio_page()
    {
        await using var studio = await RemoteStudio.StartAsync();
        await studio.StartWorkerAsync("w1");
        var clip = Path.Combine(Path.GetTempPath(), $"c2d-worker-clip-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(clip, Wav.Tone(1.0));
        try
        {
            var page = await browser.NewPageAsync(studio.Server.Address);
            await page.GotoAsync("/");
            await page.Locator(".audio-root[data-ready=true]").WaitForAsync();
            await page.Locator("[data-testid=audio-file]").SetInputFilesAsync(clip);
            await page.Locator("textarea[data-testid=prompt]").FillAsync("a red circle");
            await page.EnterAsync("steps", "40");
            await page.Locator("[data-testid=generate-pair]").ClickAsync();

            var previews = await page.WatchPreviewsUntilResultAsync(90, 5);
            var result = page.Locator("[data-testid=result]");

            Assert.True(await result.IsVisibleAsync(), $"no result within 90 s\n{studio.Logs()}");
            Assert.True(previews.Count >= 2, $"only {previews.Count} distinct previews arrived\n{studio.Logs()}");
            Assert.Contains(studio.Workers[0].Output, line => line.Contains("completed", StringComparison.Ordinal));
            await page.Context.CloseAsync();
        }
        finally
        {
            File.Delete(clip);
        }
    }

    [Fact]
    public async Task A_worker_killed_mid_job_loses_nothing_the_other_worker_finishes_it_as_attempt_two()
    {
        await using var studio = await RemoteStudio.StartAsync();
        var doomed = await studio.StartWorkerAsync("w1");
        var tag = $"kill{Guid.NewGuid():N}"[..12];
        using var owner = await studio.NewClientAsync();
        // A long job first, so the only worker is surely in the middle of it when it dies.
        var victim = await owner.QueueAsync($"{tag} a blue square", Wav.Tone(), steps: 150);
        await WaitForStepAsync(owner, victim, 3);
        var others = await QueuePairsAsync(studio, tag, clients: 2, each: 3, steps: 4);
        await studio.StartWorkerAsync("w2");

        doomed.Signal("KILL");
        using var http = studio.Client();
        var ended = await RemoteStudio.WaitForAllAsync(http, [victim, .. others]);

        var job = ended[0];
        Assert.True(job.GetProperty("state").GetString() == "Completed", $"{job}\n{studio.Logs()}");
        Assert.Equal(2, job.GetProperty("attempts").GetInt32());
        Assert.Equal("w2", job.GetProperty("worker").GetString());
        Assert.All(ended.Skip(1), status => Assert.Equal("Completed", status.GetProperty("state").GetString()));
        Assert.Equal(7, await RemoteStudio.GalleryCountAsync(http, tag));
    }

    [Fact]
    public async Task Redis_restarted_mid_queue_loses_no_job_and_runs_none_twice()
    {
        await using var studio = await RemoteStudio.StartAsync();
        await studio.StartWorkerAsync("w1");
        await studio.StartWorkerAsync("w2");
        var tag = $"redis{Guid.NewGuid():N}"[..12];
        var jobs = await QueuePairsAsync(studio, tag, clients: 3, each: 3, steps: 20);
        using var http = studio.Client();
        await StudioApi.WaitUntilAsync(() => Ended(http, jobs) >= 1, "a first job ended", 120);

        await studio.Redis.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await studio.Redis.StartAgainAsync();
        var ended = await RemoteStudio.WaitForAllAsync(http, jobs);

        Assert.All(ended, status => Assert.True(status.GetProperty("state").GetString() == "Completed", $"{status}\n{studio.Logs()}"));
        Assert.Equal(9, await RemoteStudio.GalleryCountAsync(http, tag));
        // A re-release after the restart is not a start: only a lost lease counts, and none was lost here.
        Assert.All(ended, status => Assert.Equal(1, status.GetProperty("attempts").GetInt32()));
    }

    [Fact]
    public async Task A_stalled_worker_is_fenced_off_and_a_late_result_of_its_attempt_is_discarded()
    {
        await using var studio = await RemoteStudio.StartAsync();
        var stalled = await studio.StartWorkerAsync("w1");
        using var owner = await studio.NewClientAsync();
        var job = await owner.QueueAsync("a green triangle", Wav.Tone(), steps: 150);
        await WaitForStepAsync(owner, job, 3);
        await studio.StartWorkerAsync("w2");

        // Stopped past the lease: its entry goes idle, the other worker reclaims it and finishes it as attempt 2.
        stalled.Signal("STOP");
        var done = await owner.WaitForAsync(job, "Completed");
        stalled.Signal("CONT");
        Assert.Equal((2, "w2"), (done.GetProperty("attempts").GetInt32(), done.GetProperty("worker").GetString()));
        var images = done.GetProperty("images").ToString();

        // Attempt 1's result, arriving now, is discarded and changes nothing.
        using var late = studio.Client();
        late.DefaultRequestHeaders.Authorization = new("Bearer", (await File.ReadAllTextAsync(studio.KeyFile)).Trim());
        var welcome = await (await late.PostAsJsonAsync("api/worker/hello", new WorkerHello("late", "test", "cpu", 1), WorkerJson.Options))
            .Content.ReadFromJsonAsync<WorkerWelcome>(WorkerJson.Options);
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC");
        using var posted = await late.PostAsJsonAsync($"api/worker/jobs/{job:N}/result",
            new WorkerResult("late", welcome!.Session, 1, WorkerOutcomes.Completed, null, 1, png, png, 0, null, [], false, false), WorkerJson.Options);
        var receipt = await posted.Content.ReadFromJsonAsync<ResultReceipt>(WorkerJson.Options);

        Assert.False(receipt!.Accepted);
        var after = await owner.StatusAsync(job);
        Assert.Equal(("Completed", 2, images), (after.GetProperty("state").GetString(), after.GetProperty("attempts").GetInt32(), after.GetProperty("images").ToString()));
        // And the stalled worker, resumed, stops the attempt instead of finishing work that would be discarded.
        await stalled.WaitForOutputAsync("another worker took", 30);
    }

    [Fact]
    public async Task A_drained_worker_hands_back_its_unfinished_job_uncounted_and_the_job_waits_for_the_next_worker()
    {
        await using var studio = await RemoteStudio.StartAsync();
        var draining = await studio.StartWorkerAsync("w1", "--drain-seconds", "1");
        using var owner = await studio.NewClientAsync();
        var job = await owner.QueueAsync("a blue circle", Wav.Tone(), steps: 150);
        await WaitForStepAsync(owner, job, 3);

        draining.Signal("TERM");

        Assert.Equal(0, await draining.ExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(draining.Output, line => line.Contains("handed back", StringComparison.Ordinal));
        var waiting = await owner.StatusAsync(job);
        Assert.Equal(("Queued", 0, "waiting for an engine worker"),
            (waiting.GetProperty("state").GetString(), waiting.GetProperty("attempts").GetInt32(), waiting.GetProperty("waiting").GetString()));
        using var http = studio.Client();
        using (var health = JsonDocument.Parse(await http.GetStringAsync("health")))
            Assert.Equal("Degraded", health.RootElement.GetProperty("status").GetString());
        // With no live worker a new job is still accepted, and waits.
        var later = await owner.QueueAsync("a red square", Wav.Tone(), steps: 4);

        await studio.StartWorkerAsync("w2");
        var first = await owner.WaitForAsync(job);
        var second = await owner.WaitForAsync(later);

        Assert.Equal(("Completed", 1, "w2"), (first.GetProperty("state").GetString(), first.GetProperty("attempts").GetInt32(), first.GetProperty("worker").GetString()));
        Assert.Equal("Completed", second.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_wrong_key_a_live_name_an_unreachable_redis_or_front_end_each_stop_a_worker_with_exit_2_and_one_line()
    {
        await using var studio = await RemoteStudio.StartAsync();
        await studio.StartWorkerAsync("w1");
        var wrongKey = Path.Combine(Path.GetTempPath(), $"c2d-wrong-key-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(wrongKey, new string('x', 40));
        try
        {
            var cases = new (WorkerProcess Worker, string Message)[]
            {
                (WorkerProcess.Start("w9", "--redis", studio.Redis.Configuration, "--server", studio.Server.Address.ToString(), "--key-file", wrongKey),
                    "refused the worker key"),
                (studio.StartWorkerProcess("w1"), "a worker named 'w1' is already live"),
                (WorkerProcess.Start("w8", "--redis", "127.0.0.1:1", "--server", studio.Server.Address.ToString(), "--key-file", studio.KeyFile),
                    "cannot reach Redis at 127.0.0.1:1"),
                (WorkerProcess.Start("w7", "--redis", studio.Redis.Configuration, "--server", "http://127.0.0.1:1", "--key-file", studio.KeyFile),
                    "cannot say hello to the front end at http://127.0.0.1:1/"),
            };
            foreach (var (worker, message) in cases)
            {
                await using (worker)
                {
                    Assert.Equal(2, await worker.ExitAsync(TimeSpan.FromSeconds(60)));
                    var errors = worker.Output.Where(line => line.StartsWith("error:", StringComparison.Ordinal)).ToList();
                    Assert.True(errors.Count == 1 && errors[0].Contains(message, StringComparison.Ordinal), string.Join('\n', worker.Output));
                }
            }
        }
        finally
        {
            File.Delete(wrongKey);
        }
    }

    /// <summary>Pairs from <paramref name="clients"/> clients with issued ids, <paramref name="each"/> apiece, interleaved.</summary>
    private static async Task<List<Guid>> QueuePairsAsync(RemoteStudio studio, string tag, int clients, int each, int steps)
    {
        var http = new List<HttpClient>();
        for (var c = 0; c < clients; c++)
            http.Add(await studio.NewClientAsync());
        var jobs = new List<Guid>();
        for (var i = 0; i < each; i++)
            for (var c = 0; c < clients; c++)
                jobs.Add(await http[c].QueueAsync($"{tag} a red circle {c}-{i}", Wav.Tone(), steps));
        foreach (var client in http)
            client.Dispose();
        return jobs;
    }

    private static async Task WaitForStepAsync(HttpClient http, Guid job, int step)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var status = await http.StatusAsync(job);
            if (status.GetProperty("lastProgress") is { ValueKind: JsonValueKind.Object } progress && progress.GetProperty("step").GetInt32() >= step)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"job {job} never reached step {step}: {status}");
            await Task.Delay(50);
        }
    }

    private static int Ended(HttpClient http, IEnumerable<Guid> jobs) =>
        jobs.Count(job => StudioApi.FinishedStates.Contains(http.StatusAsync(job).GetAwaiter().GetResult().GetProperty("state").GetString()));
}
