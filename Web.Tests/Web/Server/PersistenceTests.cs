using System.Net;
using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Tests.Web.Server;

public sealed class PersistenceTests : IDisposable
{
    private readonly TempFolder _data = new("persist");

    [Fact]
    public async Task Queued_work_survives_a_restart_and_the_interrupted_job_runs_again()
    {
        var held = new TestGenerationBackend();
        held.Gate.Reset();
        Guid interrupted, waiting;
        await using (var first = await new StudioFactory(_data.Path, held).ReadyAsync())
        {
            var client = first.ClientFor("restart-client");
            interrupted = await client.QueueAsync("interrupted by the restart");
            waiting = await client.QueueAsync("waiting through the restart");
            await held.Started.WaitAsync(TimeSpan.FromSeconds(30));
        }

        var backend = new TestGenerationBackend();
        await using var second = await new StudioFactory(_data.Path, backend).ReadyAsync();
        var again = second.ClientFor("restart-client");
        Assert.Equal("Completed", (await again.WaitForAsync(interrupted)).GetProperty("state").GetString());
        Assert.Equal("Completed", (await again.WaitForAsync(waiting)).GetProperty("state").GetString());
        Assert.Equal([interrupted, waiting], backend.RunOrder);
        Assert.Equal(2, await second.DbAsync(db => db.Jobs.Where(j => j.Id == interrupted).Select(j => j.Attempts).SingleAsync()));
    }

    [Fact]
    public async Task A_job_that_was_running_at_a_crash_is_queued_again_until_it_has_started_too_often()
    {
        Guid retried, givenUp;
        await using (var first = await new StudioFactory(_data.Path, Unstartable).ReadyEngineLessAsync())
        {
            var client = first.ClientFor("crash-client");
            retried = Guid.NewGuid();
            givenUp = Guid.NewGuid();
            await first.DbAsync(async db =>
            {
                db.Jobs.Add(CrashedJob(retried, attempts: 1));
                db.Jobs.Add(CrashedJob(givenUp, attempts: 2));
                return await db.SaveChangesAsync();
            });
        }

        await using var second = await new StudioFactory(_data.Path, new TestGenerationBackend()).ReadyAsync();
        var observer = second.ClientFor("crash-client");
        Assert.Equal("Completed", (await observer.WaitForAsync(retried)).GetProperty("state").GetString());
        var failed = await observer.StatusAsync(givenUp);
        Assert.Equal("Failed", failed.GetProperty("state").GetString());
        Assert.Contains("stopped 2 times", failed.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Finished_pairs_and_their_ratings_survive_a_restart()
    {
        Guid pair;
        string imageUrl;
        await using (var first = await new StudioFactory(_data.Path, new TestGenerationBackend()).ReadyAsync())
        {
            var client = first.ClientFor("keeper-client");
            pair = await client.QueueAsync("a dog in the rain", Wav.Tone());
            var done = await client.WaitForAsync(pair);
            imageUrl = done.GetProperty("images").GetProperty("audioConditionedUrl").GetString()!;
            using var rated = await client.PutAsync($"/api/jobs/{pair}/rating",
                JsonContent(new { verdict = "Improved", promptFidelity = 4, sceneFit = 5 }));
            Assert.Equal(HttpStatusCode.OK, rated.StatusCode);
        }

        await using var second = await new StudioFactory(_data.Path, new TestGenerationBackend()).ReadyAsync();
        var again = second.ClientFor("keeper-client");
        var page = JsonDocument.Parse(await again.GetStringAsync("/api/gallery?mine=true")).RootElement;
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(pair, item.GetProperty("job").GetProperty("id").GetGuid());
        Assert.Equal(1, item.GetProperty("ratings").GetProperty("improved").GetInt32());
        Assert.Equal("Improved", item.GetProperty("ratings").GetProperty("mine").GetProperty("verdict").GetString());
        var png = await again.GetByteArrayAsync(imageUrl);
        Assert.Equal(TinyPng.Signature, png[..8]);
        var audio = await again.GetByteArrayAsync(item.GetProperty("job").GetProperty("audio").GetProperty("url").GetString());
        Assert.Equal(Wav.Tone(), audio);
    }

    [Fact]
    public async Task Health_is_200_once_the_database_is_migrated_and_the_backend_described()
    {
        await using var factory = await new StudioFactory(_data.Path, new TestGenerationBackend()).ReadyAsync();
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/health");
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", health.GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal("ready", health.GetProperty("checks").GetProperty("engine").GetString());
        Assert.Equal("off", health.GetProperty("checks").GetProperty("safetyChecker").GetString());
        Assert.Equal(Clap2Diffusion.Engine.Runtime.MemoryAllocator.Current, health.GetProperty("checks").GetProperty("allocator").GetString());
        Assert.True(File.Exists(Path.Combine(_data.Path, "studio.db")));
    }

    [Fact]
    public async Task When_the_engine_cannot_start_health_says_why_and_submissions_are_refused()
    {
        await using var factory = await new StudioFactory(_data.Path, Unstartable).ReadyEngineLessAsync();
        using var client = factory.ClientFor("no-engine-client");
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains($"The engine could not start: {Unstartable.StartProblem}", await health.Content.ReadAsStringAsync());

        using var submitted = await client.SubmitAsync("a dog");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, submitted.StatusCode);
        Assert.Equal(0, await factory.DbAsync(db => db.Jobs.CountAsync()));
    }

    private static TestGenerationBackend Unstartable => new() { StartProblem = "No diffusers model at /missing (model_index.json is missing)." };

    private static Clap2Diffusion.Server.Persistence.Entities.JobEntity CrashedJob(Guid id, int attempts) => new()
    {
        Id = id,
        OwnerId = "crash-client",
        Kind = JobKind.TextOnly,
        State = JobState.Running,
        SettingsJson = Clap2Diffusion.Server.Jobs.JobMapper.Serialize(new GenerationSettings { Prompt = "crashed", Steps = 3, Width = 64, Height = 64, Seed = 7 }),
        Prompt = "crashed",
        Seed = 7,
        Attempts = attempts,
        CreatedAt = DateTime.UtcNow.AddMinutes(-5),
        StartedAt = DateTime.UtcNow.AddMinutes(-4),
    };

    private static StringContent JsonContent(object value) =>
        new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    public void Dispose() => _data.Dispose();
}
