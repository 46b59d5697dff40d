using System.Net;
using System.Text;
using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Gallery;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Tests.Web.Server;

public sealed class GalleryTests : IAsyncLifetime
{
    private readonly TempFolder _data = new("gallery");
    private StudioFactory _factory = default!;

    public async Task InitializeAsync() => _factory = await new StudioFactory(_data.Path, new TestGenerationBackend(),
        new Dictionary<string, string?> { ["Storage:UnusedUploadRetention"] = "00:01:00", ["Storage:GalleryRetentionDays"] = "30" }).ReadyAsync();

    [Fact]
    public async Task Thousands_of_items_are_searched_filtered_and_paged()
    {
        await _factory.DbAsync(async db =>
        {
            for (var i = 0; i < 3000; i++)
                db.Jobs.Add(FinishedJob(i % 3 == 0 ? "gallery-me" : "gallery-other", i % 2 == 0 ? $"red fox {i}" : $"blue whale {i}",
                    i % 4 == 0 ? PromptAudioRelation.Creative : PromptAudioRelation.Matching));
            return await db.SaveChangesAsync();
        });
        var gallery = _factory.Get<IGalleryStore>();

        var all = await gallery.QueryAsync(new GalleryQuery(), "gallery-me", 2990, 20);
        Assert.Equal(3000, all.Total);
        Assert.Equal(10, all.Items.Count);
        Assert.Equal(["blue whale 9", "red fox 8"], all.Items.Take(2).Select(i => i.Job.Settings.Prompt));
        Assert.Equal("red fox 0", all.Items[^1].Job.Settings.Prompt);
        var foxes = await gallery.QueryAsync(new GalleryQuery(Text: "FOX 12"), "gallery-me", 0, 50);
        Assert.All(foxes.Items, item => Assert.Matches("^red fox [0-9]*12[0-9]*$", item.Job.Settings.Prompt));
        Assert.Equal(94, foxes.Total);
        var mineCreative = await gallery.QueryAsync(new GalleryQuery(Relation: PromptAudioRelation.Creative, MineOnly: true, Sort: GallerySort.Oldest),
            "gallery-me", 0, 5);
        Assert.Equal(250, mineCreative.Total);
        Assert.All(mineCreative.Items, item => Assert.True(item.Job.IsMine));
        Assert.Equal("red fox 0", mineCreative.Items[0].Job.Settings.Prompt);
        var literal = await gallery.QueryAsync(new GalleryQuery(Text: "100%"), "gallery-me", 0, 5);
        Assert.Equal(0, literal.Total);
    }

    [Fact]
    public async Task Deleting_ones_own_item_removes_its_images_and_its_audio()
    {
        var owner = _factory.ClientFor("deleter-owner");
        var job = await owner.QueueAsync("a dog in the rain", Wav.Tone(0.3));
        var status = await owner.WaitForAsync(job);
        var urls = new[]
        {
            status.GetProperty("images").GetProperty("textOnlyUrl").GetString()!,
            status.GetProperty("images").GetProperty("audioConditionedUrl").GetString()!,
            status.GetProperty("audio").GetProperty("url").GetString()!,
        };

        using (var refused = await _factory.ClientFor("deleter-stranger").DeleteAsync($"/api/jobs/{job}"))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using (var deleted = await owner.DeleteAsync($"/api/jobs/{job}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        foreach (var url in urls)
            Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(url)).StatusCode);
        Assert.Equal(0, await _factory.DbAsync(db => db.Uploads.CountAsync()));
        Assert.Equal(0, await _factory.DbAsync(db => db.Contents.CountAsync()));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_data.Path, "content"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Audio_another_of_ones_items_still_uses_is_kept()
    {
        var owner = _factory.ClientFor("deleter-twice");
        var first = await owner.QueueAsync("first take", Wav.Tone(0.3), seed: 1);
        var second = await owner.QueueAsync("second take", Wav.Tone(0.3), seed: 2);
        await owner.WaitForAsync(first);
        var kept = await owner.WaitForAsync(second);

        using var deleted = await owner.DeleteAsync($"/api/jobs/{first}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(kept.GetProperty("audio").GetProperty("url").GetString())).StatusCode);
    }

    [Fact]
    public async Task One_rating_per_rater_is_kept_and_summarised()
    {
        var owner = _factory.ClientFor("rated-owner");
        var pair = await owner.QueueAsync("a dog barking", Wav.Tone(0.3));
        var text = await owner.QueueAsync("a quiet dog");
        await owner.WaitForAsync(pair);
        await owner.WaitForAsync(text);

        await RateAsync(owner, pair, """{"verdict":"Worse"}""");
        await RateAsync(owner, pair, """{"verdict":"Improved","promptFidelity":4}""");
        var summary = await RateAsync(_factory.ClientFor("rated-other"), pair, """{"verdict":"NoDifference","promptFidelity":2,"sceneFit":5}""");

        Assert.Equal((1, 1, 0), (summary.GetProperty("improved").GetInt32(), summary.GetProperty("noDifference").GetInt32(), summary.GetProperty("worse").GetInt32()));
        Assert.Equal(3.0, summary.GetProperty("meanPromptFidelity").GetDouble());
        Assert.Equal(5.0, summary.GetProperty("meanSceneFit").GetDouble());
        using var textOnly = await owner.PutAsync($"/api/jobs/{text}/rating", Json("""{"verdict":"Improved"}"""));
        Assert.Equal(HttpStatusCode.NotFound, textOnly.StatusCode);
        using var outOfRange = await owner.PutAsync($"/api/jobs/{pair}/rating", Json("""{"verdict":"Improved","sceneFit":9}"""));
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
    }

    [Fact]
    public async Task Retention_deletes_unused_uploads_and_expired_items_but_keeps_the_rest()
    {
        var client = _factory.ClientFor("retention-client");
        var recent = await client.QueueAsync("recent", Wav.Tone(0.2));
        var old = await client.QueueAsync("old", Wav.Tone(0.4));
        await client.WaitForAsync(recent);
        await client.WaitForAsync(old);
        using (var upload = new MultipartFormDataContent())
        {
            upload.Add(new ByteArrayContent(Wav.Tone(0.6)), "audio", "unused.wav");
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/uploads", upload)).StatusCode);
        }

        await _factory.DbAsync(async db =>
        {
            await db.Jobs.Where(j => j.Id == old).ExecuteUpdateAsync(s => s.SetProperty(j => j.FinishedAt, DateTime.UtcNow.AddDays(-31)));
            return await db.Uploads.ExecuteUpdateAsync(s => s.SetProperty(u => u.CreatedAt, DateTime.UtcNow.AddHours(-2)));
        });
        await _factory.Get<RetentionSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal("Completed", (await client.StatusAsync(recent)).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/jobs/{old}")).StatusCode);
        var uploads = await _factory.DbAsync(db => db.Uploads.Select(u => u.DurationSeconds).ToListAsync());
        Assert.Equal([0.2], uploads.Select(d => Math.Round(d, 3)));
        Assert.Equal(3, Directory.EnumerateFiles(Path.Combine(_data.Path, "content"), "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task Stray_files_a_crash_left_are_swept()
    {
        var content = Path.Combine(_data.Path, "content", "ab");
        Directory.CreateDirectory(content);
        var partial = Path.Combine(content, $"{new string('a', 64)}.png.0123.partial");
        var orphan = Path.Combine(content, $"{new string('b', 64)}.png");
        await File.WriteAllTextAsync(partial, "half");
        await File.WriteAllTextAsync(orphan, "no row");
        File.SetLastWriteTimeUtc(partial, DateTime.UtcNow.AddHours(-2));
        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddHours(-2));

        var removed = await _factory.Get<ContentStore>().DeleteStrayFilesAsync(TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Equal(2, removed);
        Assert.False(File.Exists(partial) || File.Exists(orphan));
    }

    private static JobEntity FinishedJob(string owner, string prompt, PromptAudioRelation relation) => new()
    {
        Id = Guid.NewGuid(),
        OwnerId = owner,
        Kind = JobKind.Pair,
        State = JobState.Completed,
        SettingsJson = JobMapper.Serialize(new GenerationSettings { Prompt = prompt, Seed = 1 }),
        Prompt = prompt,
        Seed = 1,
        TextOnlyImage = new string('c', 64),
        AudioConditionedImage = new string('d', 64),
        Relation = relation,
        CreatedAt = DateTime.UtcNow,
        StartedAt = DateTime.UtcNow,
        FinishedAt = DateTime.UtcNow,
    };

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> RateAsync(HttpClient client, Guid job, string body)
    {
        using var response = await client.PutAsync($"/api/jobs/{job}/rating", Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ProblemAsync();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _data.Dispose();
    }
}
