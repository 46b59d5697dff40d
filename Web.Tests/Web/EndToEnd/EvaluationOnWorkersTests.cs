using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Server.Workers;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

/// <summary>
/// Issue 20's sharded evaluation, all real processes: an evaluation of the demo world launched from the admin page
/// runs in two shards on two <c>serve</c> workers, and its merged report equals the report of the same evaluation run
/// by one worker alone (per-case records and scene scores, checks; FID and KID to rounding).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EvaluationOnWorkersTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_evaluation_split_over_two_workers_equals_the_same_evaluation_on_one()
    {
        await using var studio = await RemoteStudio.StartAsync(new Dictionary<string, string>
        {
            ["Admin__Email"] = "admin@example.org",
            ["Admin__Password"] = AdminWeb.Password,
        });
        string[] shared = ["--threads", "1", "--shared-root", studio.Server.DataFolder];
        await studio.StartWorkerAsync("e1", shared);
        var e2 = await studio.StartWorkerAsync("e2", shared);

        var page = await browser.NewPageAsync(studio.Server.Address);
        var split = await LaunchAsync(page, signIn: true);
        var two = await WaitForEndAsync(studio, split);
        var shards = ShardBook.Parse(two.ShardsJson);
        Assert.Equal(2, shards.Count);
        Assert.Equal(["e1", "e2"], shards.Select(s => s.Worker!).Order());

        e2.Signal("TERM");
        Assert.Equal(0, await e2.ExitAsync(TimeSpan.FromSeconds(60)));
        using var http = studio.Client();
        await StudioApi.WaitUntilAsync(() => RemoteStudio.WorkerStateAsync(http, "e2").GetAwaiter().GetResult() is null, "e2 has gone", 30);
        var alone = await LaunchAsync(page, signIn: false);
        var one = await WaitForEndAsync(studio, alone);
        Assert.Equal(["e1"], ShardBook.Parse(one.ShardsJson).Select(s => s.Worker!));

        var merged = Report(two);
        var whole = Report(one);
        Assert.Equal(6, whole.Cases.Count);
        Assert.NotEmpty(whole.Distances);
        Assert.All(whole.Cases.SelectMany(c => c.Images), image => Assert.NotNull(image.Hits));
        Assert.Equal(Json(Timeless(whole.Cases)), Json(Timeless(merged.Cases)));
        Assert.Equal(Json(whole.Checks), Json(merged.Checks));
        Assert.Equal((whole.Verdict, whole.Source, whole.Generator, whole.Variants.Count), (merged.Verdict, merged.Source, merged.Generator, merged.Variants.Count));
        // Six images against a feature space wider than six make a singular covariance, whose matrix square root
        // magnifies the last bits of the summed statistics (exact to 1e-10 in FidSufficientStatisticsTests): FID
        // agrees to about 1e-8 here, so 1e-7 relative is rounding, and any real difference is far above it.
        foreach (var (a, b) in whole.Distances.Zip(merged.Distances, (a, b) => (a, b)))
        {
            Assert.Equal((a.Variant, a.ReferenceCount, a.CandidateCount), (b.Variant, b.ReferenceCount, b.CandidateCount));
            Assert.Equal(a.Value, b.Value, 1e-7 * Math.Abs(a.Value));
            Assert.Equal(a.Kid!.Value, b.Kid!.Value, 1e-7 * Math.Max(Math.Abs(a.Kid.Value), 1e-12));
        }
    }

    private static async Task<Guid> LaunchAsync(IPage page, bool signIn)
    {
        await page.GotoAsync("/admin/evaluation");
        if (signIn)
            await page.SignInAsAdminAsync();
        await page.Locator("nav.admin-nav[data-ready=true]").WaitForAsync();
        await page.EnterAsync("evaluation-samples", "6");
        await page.EnterAsync("evaluation-steps", "2");
        await page.Locator("[data-testid=launch-evaluation]").ClickAsync();
        await page.WaitForURLAsync("**/admin/evaluation/*", new() { Timeout = 90_000 });
        return RemoteStudio.RunIdOf(page.Url);
    }

    private static async Task<RunEntity> WaitForEndAsync(RemoteStudio studio, Guid runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(300);
        while (true)
        {
            await using (var db = studio.Database())
            {
                var run = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == runId);
                if (run.State is RunState.Completed)
                    return run;
                if (run.State is RunState.Failed or RunState.Cancelled || DateTime.UtcNow > deadline)
                    Assert.Fail($"The evaluation is {run.State} at step {run.Step}: {run.Error}\n{studio.Logs()}");
            }
            await Task.Delay(250);
        }
    }

    private static EvaluationReport Report(RunEntity run) =>
        JsonSerializer.Deserialize<EvaluationReport>(File.ReadAllText(Path.Combine(run.ReportFolder!, "report.json")), ReportWriter.Json)!;

    // Seconds per image are how long it took, not what it is.
    private static List<CaseResult> Timeless(IEnumerable<CaseResult> cases) =>
        cases.Select(c => c with { Images = c.Images.Select(i => i with { Seconds = 0 }).ToList() }).ToList();

    private static string Json(object value) => JsonSerializer.Serialize(value, ReportWriter.Json);
}
