using System.Net;
using System.Text.Json;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary><c>POST /api/jobs</c> with an image to edit: what is refused, with which words, and what an accepted edit stores.</summary>
public sealed class EditJobTests : IAsyncLifetime
{
    private readonly TempFolder _data = new("edit-jobs");
    private StudioFactory _factory = default!;

    public async Task InitializeAsync() =>
        _factory = await new StudioFactory(_data.Path, new TestGenerationBackend(),
            new Dictionary<string, string?> { ["Storage:MaxImagePixels"] = "1000000" }).ReadyAsync();

    [Theory]
    [InlineData("text file", "0.6", "not a PNG or JPEG image")]
    [InlineData("over the pixel limit", "0.6", "at most 1 megapixels are accepted")]
    [InlineData("strength 0", "0", "Strength must be more than 0 and at most 1")]
    [InlineData("strength above 1", "1.5", "Strength must be more than 0 and at most 1")]
    [InlineData("negative strength", "-0.3", "Strength must be more than 0 and at most 1")]
    [InlineData("strength not a number", "lots", "'strength' must be a number")]
    public async Task A_bad_edit_is_refused_with_400_and_a_clear_message_and_stores_nothing(string kind, string strength, string message)
    {
        var image = kind switch
        {
            "text file" => "This is a shopping list, not a picture.\nmilk\neggs\n"u8.ToArray(),
            // 20000 x 20000 claimed by the header, with no pixels behind it: only a reader that decodes first would notice.
            "over the pixel limit" => TinyPng.Claiming(20_000, 20_000),
            _ => TinyPng.Solid(32, 10, 120, 200),
        };
        var client = _factory.ClientFor("editor-bad");

        using var response = await client.SubmitEditAsync("a dog in the rain", image, strength, Wav.Tone(0.5));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await response.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(0, await _factory.DbAsync(db => db.Jobs.CountAsync()));
        Assert.Equal(0, await _factory.DbAsync(db => db.Contents.CountAsync(c => c.Extension == "png")));
    }

    [Fact]
    public async Task A_strength_without_an_image_is_refused()
    {
        using var response = await _factory.ClientFor("editor-no-image").SubmitAsync("a dog", fields: new Dictionary<string, string> { ["strength"] = "0.5" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("send the image to edit as 'initImage'", (await response.ProblemAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_valid_edit_pair_is_accepted_cropped_to_the_model_size_and_recorded_in_the_gallery()
    {
        var client = _factory.ClientFor("editor-valid");

        using var response = await client.SubmitEditAsync("a dog in the rain", TinyPng.Solid(100, 10, 120, 200), "0.6", Wav.Tone(0.5),
            new Dictionary<string, string> { ["steps"] = "5" }, "holiday.png");
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var jobId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetGuid();
        var job = await client.WaitForAsync(jobId);

        Assert.Equal("Completed", job.GetProperty("state").GetString());
        Assert.Equal("Pair", job.GetProperty("kind").GetString());
        var settings = job.GetProperty("settings");
        var hash = settings.GetProperty("initImage").GetString()!;
        Assert.Equal(0.6, settings.GetProperty("strength").GetDouble());
        var stored = PngReader.Parse(await client.GetByteArrayAsync($"/media/{hash}.png"));
        Assert.Equal((64, 64), (stored.Width, stored.Height));
        Assert.Equal(hash, await _factory.DbAsync(db => db.Jobs.Select(j => j.InitImage).SingleAsync()));
        var gallery = JsonDocument.Parse(await client.GetStringAsync("/api/gallery")).RootElement;
        var item = gallery.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("job").GetProperty("id").GetGuid() == jobId);
        Assert.Equal(hash, item.GetProperty("job").GetProperty("settings").GetProperty("initImage").GetString());
    }

    [Fact]
    public async Task Deleting_the_edit_deletes_its_starting_image()
    {
        var client = _factory.ClientFor("editor-delete");
        using var response = await client.SubmitEditAsync("a dog", TinyPng.Solid(64, 1, 2, 3), "0.5", fields: new Dictionary<string, string> { ["steps"] = "4" });
        var jobId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetGuid();
        var hash = (await client.WaitForAsync(jobId)).GetProperty("settings").GetProperty("initImage").GetString()!;

        using var deleted = await client.DeleteAsync($"/api/jobs/{jobId}");

        Assert.True(deleted.IsSuccessStatusCode, deleted.StatusCode.ToString());
        Assert.Equal(0, await _factory.DbAsync(db => db.Contents.CountAsync(c => c.Hash == hash)));
    }

    [Fact]
    public async Task An_image_prepared_for_an_edit_no_job_took_up_is_swept_and_one_in_use_is_kept()
    {
        var client = _factory.ClientFor("editor-sweep");
        using var response = await client.SubmitEditAsync("a dog", TinyPng.Solid(64, 9, 9, 9), "0.5", fields: new Dictionary<string, string> { ["steps"] = "4" });
        var used = (await client.WaitForAsync(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetGuid()))
            .GetProperty("settings").GetProperty("initImage").GetString();
        var images = _factory.Get<Clap2Diffusion.Server.Uploads.EditImageService>();
        var abandoned = (await images.PrepareAsync(TinyPng.Solid(70, 200, 9, 9), 64, 64, CancellationToken.None)).Hash;
        await _factory.DbAsync(db => db.Contents.ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, DateTime.UtcNow.AddDays(-2))));

        await _factory.Get<Clap2Diffusion.Server.Content.RetentionSweeper>().SweepAsync(CancellationToken.None);

        var left = await _factory.DbAsync(db => db.Contents.Select(c => c.Hash).ToListAsync());
        Assert.Contains(used, left);
        Assert.DoesNotContain(abandoned, left);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/media/{used}.png")).StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _data.Dispose();
    }
}
