using System.Net;
using System.Text.Json;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Clap2Diffusion.Tests.Web.Server;

public sealed class ApiContractTests : IAsyncLifetime
{
    private readonly TempFolder _data = new("api");
    private StudioFactory _factory = default!;

    public async Task InitializeAsync() => _factory = await new StudioFactory(_data.Path, new TestGenerationBackend()).ReadyAsync();

    [Fact]
    public async Task The_openapi_document_lists_the_endpoints()
    {
        using var client = _factory.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");

        foreach (var (path, verb) in new[]
                 {
                     ("/api/jobs", "post"), ("/api/jobs/{id}", "get"), ("/api/jobs/{id}", "delete"), ("/api/jobs/{id}/images/{role}", "get"),
                     ("/api/jobs/{id}/cancel", "post"), ("/api/jobs/{id}/skip", "post"), ("/api/jobs/{id}/rating", "put"),
                     ("/api/uploads", "post"), ("/api/gallery", "get"), ("/api/engine", "get"), ("/api/estimate", "post"),
                 })
            Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty(verb, out _), $"{verb.ToUpperInvariant()} {path} is not documented");
        Assert.True(paths.GetProperty("/api/jobs").GetProperty("post").GetProperty("requestBody").GetProperty("content")
            .TryGetProperty("multipart/form-data", out _));
    }

    [Fact]
    public async Task A_script_submits_reads_the_status_and_fetches_the_images_with_their_parameters()
    {
        var client = _factory.ClientFor("script-client");
        using var submitted = await client.SubmitAsync("a dog in the city", Wav.Tone(),
            new Dictionary<string, string> { ["steps"] = "5", ["seed"] = "1234", ["scheduler"] = "EULER", ["textGuidance"] = "6.5" });
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var accepted = await submitted.ProblemAsync();
        var id = accepted.GetProperty("jobId").GetGuid();
        Assert.Equal($"/api/jobs/{id}", submitted.Headers.Location!.ToString());

        var status = await client.WaitForAsync(id);
        Assert.Equal("Pair", status.GetProperty("kind").GetString());
        Assert.True(status.GetProperty("isMine").GetBoolean());
        Assert.Equal("Matching", status.GetProperty("relation").GetString());
        var settings = status.GetProperty("settings");
        Assert.Equal((1234, "euler", 6.5, 5), (settings.GetProperty("seed").GetInt64(), settings.GetProperty("scheduler").GetString(),
            settings.GetProperty("textGuidance").GetDouble(), settings.GetProperty("steps").GetInt32()));
        Assert.True(status.GetProperty("timings").GetProperty("runMs").GetDouble() > 0);

        using var image = await client.GetAsync($"/api/jobs/{id}/images/audio-conditioned?download=true");
        Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"clap2diffusion-{id:N}-audio-conditioned.png", image.Content.Headers.ContentDisposition!.FileNameStar);
        var parameters = TinyPng.Parameters(await image.Content.ReadAsByteArrayAsync());
        Assert.Contains("Seed: 1234", parameters);
        using var missing = await client.GetAsync($"/api/jobs/{id}/images/sideways");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_random_seed_is_drawn_once_and_recorded_before_the_job_runs()
    {
        var client = _factory.ClientFor("seed-client");
        var id = await client.QueueAsync("a city at night");
        var status = await client.WaitForAsync(id);

        var seed = status.GetProperty("settings").GetProperty("seed").GetInt64();
        Assert.InRange(seed, 0, uint.MaxValue);
        Assert.Contains($"Seed: {seed}", TinyPng.Parameters(await client.GetByteArrayAsync($"/api/jobs/{id}/images/text-only")));
    }

    [Theory]
    [InlineData("steps", "many", "'steps' must be a whole number")]
    [InlineData("textGuidance", "NaN", "Text guidance must be between 0 and 30")]
    [InlineData("scheduler", "warp", "Scheduler 'warp' is not one of ddim, euler")]
    [InlineData("width", "65", "Width must be a multiple of 8")]
    [InlineData("seed", "-1", "The seed must be between 0 and")]
    [InlineData("audioUploadId", "not-an-id", "'audioUploadId' must be an upload id")]
    public async Task Bad_settings_are_named_in_the_answer(string field, string value, string message)
    {
        var client = _factory.ClientFor("bad-settings");
        using var response = await client.SubmitAsync("a dog", fields: new Dictionary<string, string> { [field] = value });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetString()!.Contains(message));
    }

    [Fact]
    public async Task An_empty_prompt_is_refused()
    {
        using var response = await _factory.ClientFor("no-prompt").SubmitAsync("   ");
        Assert.Contains("Write a prompt", (await response.ProblemAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Changing_calls_need_an_explicit_client_header()
    {
        using var browserLike = _factory.CreateClient();
        using var form = new MultipartFormDataContent { { new StringContent("a dog"), "prompt" } };
        using var response = await browserLike.PostAsync("/api/jobs", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("X-Client-Id", (await response.ProblemAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_malformed_client_id_is_refused()
    {
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Client-Id", "no spaces allowed");
        using var response = await client.GetAsync("/api/engine");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_first_page_request_issues_the_client_cookie_once()
    {
        using var browser = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var first = await browser.GetAsync("/about");
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith("c2d-client=", StringComparison.Ordinal));
        Assert.Matches("^c2d-client=[A-Za-z0-9_-]{64,};", cookie);
        Assert.Contains("httponly", cookie);

        using var second = new HttpRequestMessage(HttpMethod.Get, "/about");
        second.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var again = await browser.SendAsync(second);
        Assert.DoesNotContain(again.Headers.TryGetValues("Set-Cookie", out var issued) ? issued : [],
            c => c.StartsWith("c2d-client=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_estimate_grows_with_the_queue()
    {
        var backend = _factory.Get<Clap2Diffusion.Server.Engine.IGenerationBackend>() as TestGenerationBackend;
        backend!.Gate.Reset();
        var client = _factory.ClientFor("estimator");
        var body = new StringContent("""{"settings":{"prompt":"x","steps":10,"width":64,"height":64,"scheduler":"ddim"},"kind":"Pair"}""",
            System.Text.Encoding.UTF8, "application/json");
        var idle = await (await client.PostAsync("/api/estimate", body)).ProblemAsync();
        await client.QueueAsync("one");
        await client.QueueAsync("two");
        var busy = await (await client.PostAsync("/api/estimate", body)).ProblemAsync();
        backend.Gate.Set();

        Assert.Equal(0, idle.GetProperty("jobsAhead").GetInt32());
        Assert.Equal(2, busy.GetProperty("jobsAhead").GetInt32());
        Assert.True(busy.GetProperty("waitSeconds").GetDouble() > 0);
        Assert.Equal(0.05, idle.GetProperty("runSeconds").GetDouble(), 3);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _data.Dispose();
    }
}
