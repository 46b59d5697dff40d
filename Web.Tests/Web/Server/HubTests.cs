using System.Collections.Concurrent;
using System.Text.Json;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Clap2Diffusion.Tests.Web.Server;

public sealed class HubTests : IAsyncLifetime
{
    private readonly TempFolder _data = new("hub");
    private readonly TestGenerationBackend _backend = new() { StepDelay = TimeSpan.FromMilliseconds(5) };
    private StudioFactory _factory = default!;

    public async Task InitializeAsync() => _factory = await new StudioFactory(_data.Path, _backend).ReadyAsync();

    private async Task<(HubConnection Connection, ConcurrentQueue<(string Method, JsonElement Message)> Received)> ConnectAsync(string clientId)
    {
        var received = new ConcurrentQueue<(string, JsonElement)>();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_factory.Server.BaseAddress, "hubs/engine"), options =>
            {
                options.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                options.Headers["X-Client-Id"] = _factory.SignedId(clientId);
            })
            .Build();
        foreach (var method in new[] { "QueuePosition", "Progress", "Completed", "Failed" })
            connection.On<JsonElement>(method, message => received.Enqueue((method, message)));
        await connection.StartAsync();
        return (connection, received);
    }

    [Fact]
    public async Task A_subscriber_hears_position_progress_with_previews_and_completion()
    {
        var (connection, received) = await ConnectAsync("hub-listener");
        await using var hub = connection;
        _backend.Gate.Reset();
        var client = _factory.ClientFor("hub-listener");
        var blocker = await client.QueueAsync("ahead of it");
        var job = await client.QueueAsync("a dog barking", Wav.Tone(), steps: 6);
        await connection.InvokeAsync("Subscribe", job);
        await StudioApi.WaitUntilAsync(() => received.Any(r => r.Method == "QueuePosition"), "the position arrives");
        _backend.Gate.Set();
        await StudioApi.WaitUntilAsync(() => received.Any(r => r.Method == "Completed"), "the job completes");

        var messages = received.ToList();
        Assert.Equal(1, messages.First(m => m.Method == "QueuePosition").Message.GetProperty("position").GetInt32());
        Assert.Contains(messages, m => m.Method == "QueuePosition" && m.Message.GetProperty("position").GetInt32() == 0);
        var progress = messages.Where(m => m.Method == "Progress").Select(m => m.Message).ToList();
        Assert.Equal(Enumerable.Range(1, 12), progress.Select(p => p.GetProperty("step").GetInt32()));
        Assert.All(progress, p =>
        {
            Assert.Equal(job, p.GetProperty("jobId").GetGuid());
            Assert.Equal(12, p.GetProperty("totalSteps").GetInt32());
            Assert.True(p.TryGetProperty("timestep", out _) && p.TryGetProperty("elapsedMs", out _) && p.TryGetProperty("etaMs", out _));
        });
        Assert.StartsWith($"/previews/{job:N}/", progress[^1].GetProperty("previewUrl").GetString());
        var completed = messages.Single(m => m.Method == "Completed").Message;
        Assert.Equal("matching", completed.GetProperty("relation").GetString());
        var urls = completed.GetProperty("imageUrls").EnumerateArray().Select(u => u.GetString()!).ToList();
        Assert.Equal(2, urls.Count);
        foreach (var url in urls)
            Assert.Equal(TinyPng.Signature, (await client.GetByteArrayAsync(url))[..8]);
        Assert.DoesNotContain(messages, m => m.Message.GetProperty("jobId").GetGuid() == blocker);
    }

    [Fact]
    public async Task A_late_subscriber_gets_the_final_state_and_failures_are_reported()
    {
        var client = _factory.ClientFor("hub-late");
        var done = await client.QueueAsync("finished before anyone listened");
        var failed = await client.QueueAsync("explode on purpose");
        await client.WaitForAsync(failed);
        await client.WaitForAsync(done);

        var (connection, received) = await ConnectAsync("hub-late");
        await using var hub = connection;
        await connection.InvokeAsync("Subscribe", done);
        await connection.InvokeAsync("Subscribe", failed);
        await StudioApi.WaitUntilAsync(() => received.Count >= 2, "both states arrive");

        Assert.Contains(received, r => r.Method == "Completed" && r.Message.GetProperty("jobId").GetGuid() == done
            && r.Message.GetProperty("relation").ValueKind == JsonValueKind.Null);
        Assert.Contains(received, r => r.Method == "Failed" && r.Message.GetProperty("jobId").GetGuid() == failed
            && r.Message.GetProperty("error").GetString()!.Contains("exploded"));
    }

    [Fact]
    public async Task After_unsubscribing_nothing_more_arrives()
    {
        var (connection, received) = await ConnectAsync("hub-quitter");
        await using var hub = connection;
        _backend.Gate.Reset();
        var client = _factory.ClientFor("hub-quitter");
        var job = await client.QueueAsync("nobody is listening");
        await connection.InvokeAsync("Subscribe", job);
        await StudioApi.WaitUntilAsync(() => !received.IsEmpty, "the current state arrives");
        await connection.InvokeAsync("Unsubscribe", job);
        var before = received.Count;
        _backend.Gate.Set();
        await client.WaitForAsync(job);
        await Task.Delay(200);

        Assert.Equal(before, received.Count);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _data.Dispose();
    }
}
