using System.Net;
using System.Text.Json;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

public sealed class ServerProcessTests
{
    [Fact]
    public async Task The_built_server_starts_as_a_process_and_serves_health_and_the_studio()
    {
        using var data = new TempFolder("process");
        await using var server = await ServerProcess.StartAsync(data.Path);
        using var http = new HttpClient { BaseAddress = server.Address };

        using var health = await http.GetAsync("health");
        var checks = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        Assert.Equal("ready", checks.GetProperty("database").GetString());
        Assert.Equal(checks.GetProperty("engine").GetString() == "ready", health.StatusCode == HttpStatusCode.OK);
        Assert.Matches(@"^(on \(self-checked\)|on for channel counts that are multiples of 16 \(.+\)|off \(.+\))$", checks.GetProperty("oneDnn").GetString());
        var studio = await http.GetStringAsync("");
        Assert.Contains("<h1", studio);
        Assert.Contains("Studio", studio);
        Assert.True(File.Exists(Path.Combine(data.Path, "studio.db")));
    }
}
