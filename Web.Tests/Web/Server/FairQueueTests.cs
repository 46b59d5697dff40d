using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>A queue one client cannot take over: owners take turns, the whole queue has a cap, and admins can clear a flood.</summary>
public sealed class FairQueueTests : IDisposable
{
    private readonly TempFolder _data = new("fair-queue");
    private readonly TestGenerationBackend _backend = new();

    private async Task<StudioFactory> StartAsync(Dictionary<string, string?> settings) => await new StudioFactory(_data.Path, _backend, settings).ReadyAsync();

    [Fact]
    public async Task A_client_with_ten_queued_does_not_keep_another_waiting_past_the_running_job()
    {
        await using var factory = await StartAsync(new() { ["Queue:MaxActivePerClient"] = "10" });
        _backend.Gate.Reset();
        var a = factory.ClientFor("client-a-backlog");
        var first = await a.QueueAsync("a dog 1", steps: 2);
        await _backend.Started.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 2; i <= 10; i++)
            await a.QueueAsync($"a dog {i}", steps: 2);
        var b = factory.ClientFor("client-b-single");

        var bJob = await b.QueueAsync("a cat", steps: 2);

        Assert.Equal(1, (await b.StatusAsync(bJob)).GetProperty("position").GetInt32());
        _backend.Gate.Set();
        await b.WaitForAsync(bJob);
        Assert.Equal([first, bJob], _backend.RunOrder.Take(2));
    }

    [Fact]
    public async Task Owners_take_turns_and_first_come_first_served_holds_within_a_turn()
    {
        await using var factory = await StartAsync(new() { ["Queue:MaxActivePerClient"] = "10" });
        _backend.Gate.Reset();
        var a = factory.ClientFor("client-a-turns");
        var b = factory.ClientFor("client-b-turns");
        var a1 = await a.QueueAsync("a dog 1", steps: 2);
        await _backend.Started.WaitAsync(TimeSpan.FromSeconds(30));
        var a2 = await a.QueueAsync("a dog 2", steps: 2);
        var a3 = await a.QueueAsync("a dog 3", steps: 2);
        var b1 = await b.QueueAsync("a cat 1", steps: 2);
        var b2 = await b.QueueAsync("a cat 2", steps: 2);

        _backend.Gate.Set();
        await a.WaitForAsync(a3);
        await b.WaitForAsync(b2);

        Assert.Equal([a1, b1, a2, b2, a3], _backend.RunOrder);
    }

    [Fact]
    public async Task A_full_queue_refuses_with_503_and_when_to_try_again()
    {
        await using var factory = await StartAsync(new() { ["Queue:MaxQueued"] = "3" });
        _backend.Gate.Reset();
        await factory.ClientFor("running-client").QueueAsync("a dog", steps: 2);
        await _backend.Started.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 3; i++)
            await factory.ClientFor($"waiting-client-{i}").QueueAsync("a dog", steps: 2);

        using var refused = await factory.ClientFor("late-client").SubmitAsync("a dog");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "the refusal says when to try again");
        Assert.Contains("The queue is full", (await refused.ProblemAsync()).GetProperty("detail").GetString());
        _backend.Gate.Set();
    }

    [Fact]
    public async Task Admins_list_a_clients_queued_jobs_and_purge_them()
    {
        await using var factory = await StartAsync(new() { ["Queue:MaxActivePerClient"] = "10" });
        await factory.CreateAccountAsync("queue-admin@example.com", isAdmin: true);
        _backend.Gate.Reset();
        var flooder = factory.ClientFor("flooding-client");
        await flooder.QueueAsync("a dog 1", steps: 2);
        await _backend.Started.WaitAsync(TimeSpan.FromSeconds(30));
        var queued = new[] { await flooder.QueueAsync("a dog 2", steps: 2), await flooder.QueueAsync("a dog 3", steps: 2) };
        var other = await factory.ClientFor("patient-client").QueueAsync("a cat", steps: 2);
        using var admin = await factory.SignedInAsync("queue-admin@example.com");
        admin.DefaultRequestHeaders.Add("X-Requested-With", "fetch");

        using var visitorList = await flooder.GetAsync("/api/admin/clients/flooding-client/jobs");
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/admin/clients/flooding-client/jobs");
        using var purge = await admin.DeleteAsync("/api/admin/clients/flooding-client/jobs");
        var after = await admin.GetFromJsonAsync<JsonElement>("/api/admin/clients/flooding-client/jobs");

        Assert.NotEqual(HttpStatusCode.OK, visitorList.StatusCode);
        Assert.Equal(queued, listed.EnumerateArray().Select(j => j.GetProperty("id").GetGuid()));
        Assert.Equal(2, (await purge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("purged").GetInt32());
        Assert.Equal(0, after.GetArrayLength());
        foreach (var id in queued)
            Assert.Equal("Cancelled", (await flooder.StatusAsync(id)).GetProperty("state").GetString());
        _backend.Gate.Set();
        Assert.Equal("Completed", (await factory.ClientFor("patient-client").WaitForAsync(other)).GetProperty("state").GetString());
    }

    public void Dispose() => _data.Dispose();
}
