using Clap2Diffusion.LoadTest;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>The load-test tool's checks, run small against the test server (its timings are printed, never asserted).</summary>
public sealed class LoadTestToolTests
{
    [Fact]
    public async Task Every_queued_job_completes_once_and_shows_in_the_gallery_once()
    {
        using var data = new TempFolder("load");
        await using var factory = await new StudioFactory(data.Path, new TestGenerationBackend(),
            new Dictionary<string, string?> { ["Queue:MaxActivePerClient"] = "2" }).ReadyAsync();
        using var http = factory.CreateClient();
        var log = new StringWriter();
        var options = new LoadTestOptions
        {
            Server = http.BaseAddress!, Users = 4, JobsPerUser = 3, Steps = 3, PollInterval = TimeSpan.FromMilliseconds(50),
            ProbeInterval = TimeSpan.FromMilliseconds(100),
        };

        var report = await new LoadTestRunner(http, options, log).RunAsync(CancellationToken.None);

        var printed = new StringWriter();
        report.Print(printed);
        Assert.True(report.Passed, printed.ToString());
        Assert.Equal((12, 12, 12, 0), (report.Submitted, report.Completed, report.GalleryCount, report.DuplicateIds));
        Assert.Contains("PASSED", printed.ToString());
    }

    [Theory]
    [InlineData(new[] { "--users", "0" }, "--users must be a positive whole number.")]
    [InlineData(new[] { "--frobnicate" }, "Unknown option '--frobnicate'.")]
    public void Bad_arguments_are_named(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => LoadTestOptions.Parse(args)).Message);
}
