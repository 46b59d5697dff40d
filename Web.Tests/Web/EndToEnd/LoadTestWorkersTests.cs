using Clap2Diffusion.LoadTest;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

/// <summary>
/// The load test's <c>--workers</c> as scripts/load-test.sh runs it: redis-server, the built front end in remote mode
/// and a worker it starts itself on loopback, a small load, and everything stopped and deleted afterwards.
/// </summary>
public sealed class LoadTestWorkersTests
{
    [Fact]
    public async Task With_one_worker_every_pair_completes_once_and_the_stack_leaves_no_folder_behind()
    {
        var before = StackFolders();
        var options = new LoadTestOptions
        {
            WorkerLayouts = [new WorkerLayout(1, 1)], Users = 2, JobsPerUser = 1, Steps = 2, Timeout = TimeSpan.FromMinutes(2),
            PollInterval = TimeSpan.FromMilliseconds(100), ProbeInterval = TimeSpan.FromMilliseconds(200),
        };
        var log = new StringWriter();
        // A bound for the whole test: the stack's own start-up limits are longer, for slow first starts by operators.
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var reports = await new WorkerLoadTest(options, log).RunAsync(bound.Token);

        var printed = new StringWriter();
        WorkerLoadTest.Print(reports, printed);
        var report = Assert.Single(reports).Report;
        Assert.True(report.Passed, $"{printed}\n{log}");
        Assert.Equal((2, 2, 0, 2, 0), (report.Submitted, report.Completed, report.Lost, report.GalleryCount, report.DuplicateIds));
        Assert.Equal(new Dictionary<string, int> { ["load-1"] = 2 }, report.JobsPerWorker);
        Assert.Contains("1 worker x 1 thread", printed.ToString());
        Assert.Empty(StackFolders().Except(before));
    }

    [Fact]
    public async Task A_missing_redis_server_is_named_before_anything_starts()
    {
        var options = new LoadTestOptions { WorkerLayouts = [new WorkerLayout(1, 1)], RedisServerPath = "/nonexistent/redis-server" };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new WorkerLoadTest(options, TextWriter.Null).RunAsync(CancellationToken.None));

        Assert.Equal("--redis-server '/nonexistent/redis-server' does not exist.", error.Message);
    }

    private static HashSet<string> StackFolders() => Directory.GetDirectories(Path.GetTempPath(), "c2d-load-stack-*").ToHashSet();
}
