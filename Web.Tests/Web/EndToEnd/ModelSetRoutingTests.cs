using System.Buffers.Binary;
using System.Text.Json;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

/// <summary>
/// Issue 20 with real processes: <c>redis-server</c>, the built front end and <c>serve</c> workers. Two model sets
/// (the demo model, and the demo model with other adapters) held by one worker each: a job runs only on a worker of
/// its set; a job for a set no live worker holds waits, naming the set, and runs once such a worker starts. Hybrid mode
/// runs a worker inside the web process beside a remote one; the admin's Workers page drains and resumes a worker.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ModelSetRoutingTests(BrowserFixture browser)
{
    [Fact]
    public async Task Jobs_run_only_on_workers_of_their_set_and_a_job_for_a_set_nobody_holds_waits_until_one_starts()
    {
        using var other = OtherAdapters();
        await using var studio = await RemoteStudio.StartAsync();
        await studio.StartWorkerAsync("wa", "--threads", "1");
        var wb = await studio.StartWorkerAsync("wb", "--threads", "1", "--adapters", other.Path);
        using var http = studio.Client();
        var demoSet = await SetOfAsync(http, "wa");
        var otherSet = await SetOfAsync(http, "wb");
        Assert.NotEqual(demoSet, otherSet);

        using var client = await studio.NewClientAsync();
        var jobs = new List<(Guid Job, string Set)>();
        for (var i = 0; i < 4; i++)
        {
            jobs.Add((await QueueForAsync(client, $"a dog barking {i}", demoSet), demoSet));
            jobs.Add((await QueueForAsync(client, $"a cat in the rain {i}", otherSet), otherSet));
        }
        var ended = await RemoteStudio.WaitForAllAsync(http, jobs.Select(j => j.Job));
        for (var i = 0; i < jobs.Count; i++)
        {
            Assert.Equal("Completed", ended[i].GetProperty("state").GetString());
            Assert.Equal(jobs[i].Set == demoSet ? "wa" : "wb", ended[i].GetProperty("worker").GetString());
        }

        // The other set's only worker stops: a job for that set waits, saying which set it needs.
        wb.Signal("TERM");
        Assert.Equal(0, await wb.ExitAsync(TimeSpan.FromSeconds(60)));
        await StudioApi.WaitUntilAsync(() => RemoteStudio.WorkerStateAsync(http, "wb").GetAwaiter().GetResult() is null, "wb has gone", 30);
        var waiting = await QueueForAsync(client, "a cat in the rain again", otherSet);
        var demoJob = await QueueForAsync(client, "a dog barking again", demoSet);
        Assert.Equal("Completed", (await client.WaitForAsync(demoJob)).GetProperty("state").GetString());
        var status = await client.StatusAsync(waiting);
        Assert.Equal("Queued", status.GetProperty("state").GetString());
        Assert.Contains($"model set {otherSet}", status.GetProperty("waiting").GetString());

        await studio.StartWorkerAsync("wb2", "--threads", "1", "--adapters", other.Path);
        var done = await client.WaitForAsync(waiting);
        Assert.Equal("Completed", done.GetProperty("state").GetString());
        Assert.Equal("wb2", done.GetProperty("worker").GetString());
    }

    [Fact]
    public async Task Hybrid_mode_runs_jobs_on_the_web_process_worker_and_a_remote_worker_from_one_queue()
    {
        await using var studio = await RemoteStudio.StartAsync(new Dictionary<string, string> { ["Engine__Mode"] = "hybrid", ["Engine__Threads"] = "1" });
        using var http = studio.Client();
        var local = $"{Environment.MachineName.ToLowerInvariant()}-web";
        await StudioApi.WaitUntilAsync(() => RemoteStudio.WorkerStateAsync(http, local).GetAwaiter().GetResult() == "idle",
            $"the web process's own worker is idle\n{studio.Logs()}", 120);
        await studio.StartWorkerAsync("remote1", "--threads", "1");

        using var client = await studio.NewClientAsync();
        var jobs = new List<Guid>();
        for (var i = 0; i < 8; i++)
            jobs.Add(await client.QueueAsync($"a bell ringing {i}", Wav.Tone(), steps: 8));
        var ended = await RemoteStudio.WaitForAllAsync(http, jobs);

        Assert.All(ended, s => Assert.Equal("Completed", s.GetProperty("state").GetString()));
        var workers = ended.Select(s => s.GetProperty("worker").GetString()).ToHashSet();
        Assert.True(workers.SetEquals([local, "remote1"]), $"both workers should run jobs: {string.Join(", ", workers)}\n{studio.Logs()}");
    }

    [Fact]
    public async Task The_admin_workers_page_drains_a_worker_so_its_jobs_wait_and_resumes_it()
    {
        await using var studio = await RemoteStudio.StartAsync(new Dictionary<string, string>
        {
            ["Admin__Email"] = "admin@example.org",
            ["Admin__Password"] = AdminWeb.Password,
        });
        await studio.StartWorkerAsync("w1", "--threads", "1");
        using var client = await studio.NewClientAsync();
        Assert.Equal("Completed", (await client.WaitForAsync(await client.QueueAsync("a bell ringing", Wav.Tone()))).GetProperty("state").GetString());

        var page = await browser.NewPageAsync(studio.Server.Address);
        await page.GotoAsync("/admin/workers");
        await page.SignInAsAdminAsync();
        var row = page.Locator("tr", new() { Has = page.Locator("[data-testid=worker-name]", new() { HasText = "w1" }) });
        await Assertions.Expect(row.Locator("[data-testid=worker-jobs]")).ToHaveTextAsync("1");
        await row.Locator("[data-testid=drain-worker]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid=worker-state]")).ToHaveTextAsync("paused");

        using var http = studio.Client();
        var waiting = await client.QueueAsync("a dog barking", Wav.Tone());
        await Task.Delay(TimeSpan.FromSeconds(3));
        var status = await client.StatusAsync(waiting);
        Assert.Equal("Queued", status.GetProperty("state").GetString());
        Assert.Contains("waiting for an engine worker", status.GetProperty("waiting").GetString());
        using (var health = JsonDocument.Parse(await http.GetStringAsync("health")))
            Assert.True(health.RootElement.GetProperty("checks").GetProperty("workers")[0].GetProperty("paused").GetBoolean());

        await row.Locator("[data-testid=resume-worker]").ClickAsync();
        var done = await client.WaitForAsync(waiting);
        Assert.Equal("Completed", done.GetProperty("state").GetString());
        await Assertions.Expect(row.Locator("[data-testid=worker-jobs]")).ToHaveTextAsync("2");
    }

    private static async Task<Guid> QueueForAsync(HttpClient client, string prompt, string set)
    {
        using var response = await client.SubmitAsync(prompt, Wav.Tone(), new Dictionary<string, string> { ["steps"] = "4", ["modelSet"] = set });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"Submission refused: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("jobId").GetGuid();
    }

    private static async Task<string> SetOfAsync(HttpClient http, string worker)
    {
        using var health = JsonDocument.Parse(await http.GetStringAsync("health"));
        return health.RootElement.GetProperty("checks").GetProperty("workers").EnumerateArray()
            .First(w => w.GetProperty("name").GetString() == worker).GetProperty("modelSet").GetString()!;
    }

    /// <summary>
    /// The demo adapters with one weight changed: another adapter set (another hash, so another model set) that loads
    /// and generates exactly as a real second set would.
    /// </summary>
    private static TempFolder OtherAdapters()
    {
        var folder = new TempFolder("c2d-other-adapters");
        foreach (var file in Directory.GetFiles(Path.Combine(EmbeddedModel.DefaultFolder, "adapters")))
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        var weights = Path.Combine(folder.Path, AdapterFolder.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        // The last four bytes are the last float32 of the last tensor; 0.5 is a harmless weight.
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 4), 0.5f);
        File.WriteAllBytes(weights, bytes);
        return folder;
    }
}
