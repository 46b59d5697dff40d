using System.Net;
using System.Text.Json;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

/// <summary>
/// The server as a user starts it: its own process, the embedded demo model beside it, nothing faked. A pair made
/// through the API comes back as two PNGs of the model's size, from the same seed, with their parameters inside.
/// </summary>
public sealed class DemoModelProcessTests
{
    [Fact]
    public async Task A_pair_made_through_the_api_runs_on_the_embedded_demo_model()
    {
        using var data = new TempFolder("demo-process");
        await using var server = await ServerProcess.StartAsync(data.Path, new Dictionary<string, string> { ["Studio__SeedExamples"] = "false" });
        Assert.True(server.HealthStatus == HttpStatusCode.OK, $"the engine is not ready: {server.HealthBody}");
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Client-Id", await http.IssuedClientIdAsync());

        var engine = JsonDocument.Parse(await http.GetStringAsync("/api/engine")).RootElement;
        Assert.True(engine.GetProperty("ready").GetBoolean(), engine.ToString());
        Assert.True(engine.GetProperty("info").GetProperty("audioConditioningAvailable").GetBoolean(), engine.ToString());

        var job = await http.QueueAsync("a red circle", Wav.Tone(2.0), steps: 6, seed: 42);
        var status = await http.WaitForAsync(job);
        Assert.Equal("Completed", status.GetProperty("state").GetString());

        var textOnly = await http.GetByteArrayAsync($"/api/jobs/{job}/images/text-only");
        var withAudio = await http.GetByteArrayAsync($"/api/jobs/{job}/images/audio-conditioned");
        var baseline = PngReader.Parse(textOnly);
        var conditioned = PngReader.Parse(withAudio);
        Assert.Equal((64, 64), (baseline.Width, baseline.Height));
        Assert.Equal((64, 64), (conditioned.Width, conditioned.Height));
        Assert.Contains(baseline.Texts(), t => t.Text.Text.Contains("Seed: 42", StringComparison.Ordinal));
        Assert.Contains(conditioned.Texts(), t => t.Text.Text.Contains("Seed: 42", StringComparison.Ordinal));
    }
}
