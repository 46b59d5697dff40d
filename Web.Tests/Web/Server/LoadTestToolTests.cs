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
    [InlineData(new[] { "--workers", "0" }, "--workers '0' is not a layout: N or NxT (N workers of T threads each), several separated by commas: 1x2,2x1; N and T at least 1.")]
    [InlineData(new[] { "--workers", "2x0" }, "--workers '2x0' is not a layout: N or NxT (N workers of T threads each), several separated by commas: 1x2,2x1; N and T at least 1.")]
    [InlineData(new[] { "--worker-threads", "0", "--workers", "2" }, "--worker-threads must be a positive whole number.")]
    [InlineData(new[] { "--worker-threads", "1" }, "--worker-threads needs --workers.")]
    [InlineData(new[] { "--workers", "1", "--compare-workers" }, "--compare-workers chooses its layouts itself; give it or --workers, not both.")]
    [InlineData(new[] { "--url", "http://127.0.0.1:5080", "--workers", "1" },
        "--url loads a server already running; --workers and --compare-workers start their own. Give one or the other.")]
    [InlineData(new[] { "--redis-server", "/usr/bin/redis-server" }, "--redis-server needs --workers or --compare-workers.")]
    public void Bad_arguments_are_named(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => LoadTestOptions.Parse(args)).Message);

    [Theory]
    [InlineData(new[] { "--workers", "2" }, "2x1")]
    [InlineData(new[] { "--workers", "1" }, "1x2")]
    [InlineData(new[] { "--workers", "3", "--worker-threads", "2" }, "3x2")]
    [InlineData(new[] { "--workers", "1x2,2x1" }, "1x2,2x1")]
    [InlineData(new[] { "--compare-workers" }, "1x2,2x1")]
    [InlineData(new string[0], "")]
    public void Worker_layouts_share_two_cores_unless_told_otherwise(string[] args, string layouts) =>
        Assert.Equal(layouts, string.Join(',', LoadTestOptions.Parse(args, cores: 2).WorkerLayouts.Select(l => $"{l.Workers}x{l.ThreadsEach}")));
}
