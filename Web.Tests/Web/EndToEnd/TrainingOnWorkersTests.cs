using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Demo.Build;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

/// <summary>
/// Issue 20's training on workers, all real processes: a smoke-profile demo model and its world, the front end in
/// remote mode, two <c>serve</c> workers sharing the world and the front end's data folder. A run launched from the
/// admin page trains on one worker; that worker is killed mid-run, and the run resumes from its checkpoint on the
/// other and ends with the same final loss as an uninterrupted run of the same settings.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TrainingOnWorkersTests(BrowserFixture browser)
{
    private const int Steps = 30;

    [Fact]
    public async Task A_run_whose_worker_is_killed_resumes_from_its_checkpoint_on_the_other_worker_and_ends_with_the_uninterrupted_loss()
    {
        using var root = new TempFolder("training-on-workers");
        var work = Path.Combine(root.Path, "work");
        var model = Path.Combine(root.Path, "smoke");
        new DemoBuilder(DemoProfile.Smoke, work, model, 20261125UL, _ => { }, null).Run(null, CancellationToken.None);
        await using var studio = await RemoteStudio.StartAsync(new Dictionary<string, string>
        {
            ["Admin__Email"] = "admin@example.org",
            ["Admin__Password"] = AdminWeb.Password,
            ["Training__DatasetRoots__0"] = work,
        });
        string[] shared = ["--model", model, "--threads", "1", "--shared-root", work, "--shared-root", studio.Server.DataFolder];
        var workers = new Dictionary<string, WorkerProcess>
        {
            ["t1"] = await studio.StartWorkerAsync("t1", shared),
            ["t2"] = await studio.StartWorkerAsync("t2", shared),
        };

        var page = await browser.NewPageAsync(studio.Server.Address);
        var interrupted = await LaunchAsync(page, work, signIn: true);
        await WaitUntilAsync(studio, interrupted, run => run.LastCheckpointStep >= 10 && run.Step >= 12, "the run passed its step-10 checkpoint");
        var first = (await RunAsync(studio, interrupted)).Worker!;
        workers[first].Signal("KILL");

        var resumed = await WaitUntilAsync(studio, interrupted, run => run.State is RunState.Completed or RunState.Failed, "the run ended", 240);
        Assert.True(resumed.State == RunState.Completed, $"{resumed.State}: {resumed.Error}\n{studio.Logs()}");
        var other = workers.Keys.Single(name => name != first);
        Assert.Equal(other, resumed.Worker);
        Assert.Equal(2, resumed.Attempts);
        Assert.Equal(Steps, resumed.Step);

        var straight = await LaunchAsync(page, work, signIn: false);
        var done = await WaitUntilAsync(studio, straight, run => run.State is RunState.Completed or RunState.Failed, "the second run ended", 240);
        Assert.True(done.State == RunState.Completed, $"{done.State}: {done.Error}");
        Assert.Equal(1, done.Attempts);
        var resumedLoss = await FinalLossAsync(studio, interrupted);
        var straightLoss = await FinalLossAsync(studio, straight);
        Assert.True(Math.Abs(resumedLoss - straightLoss) <= 1e-6 * Math.Abs(straightLoss),
            $"final loss after the resume {resumedLoss:R}, uninterrupted {straightLoss:R}");
    }

    private static async Task<Guid> LaunchAsync(IPage page, string work, bool signIn)
    {
        await page.GotoAsync("/admin/training");
        if (signIn)
            await page.SignInAsAdminAsync();
        await page.Locator("nav.admin-nav[data-ready=true]").WaitForAsync();
        await page.Locator("[data-testid=folder-entry]", new() { HasText = Path.GetFileName(work) }).First.ClickAsync();
        await page.Locator("[data-testid=folder-entry]", new() { HasText = "world" }).First.ClickAsync();
        await page.Locator("[data-testid=folder-choose]").ClickAsync();
        await page.EnterAsync("train-steps", Steps.ToString());
        await page.EnterAsync("checkpoint-every", "5");
        await page.EnterAsync("samples-every", "1000");
        await page.Locator("[data-testid=launch-training]").ClickAsync();
        await page.WaitForURLAsync("**/admin/training/*", new() { Timeout = 90_000 });
        return RemoteStudio.RunIdOf(page.Url);
    }

    private static async Task<RunEntity> WaitUntilAsync(RemoteStudio studio, Guid runId, Func<RunEntity, bool> condition, string what, int seconds = 180)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var run = await RunAsync(studio, runId);
            if (condition(run))
                return run;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what}: not within {seconds} s; the run is {run.State} at step {run.Step}: {run.Error}\n{studio.Logs()}");
            await Task.Delay(200);
        }
    }

    private static async Task<RunEntity> RunAsync(RemoteStudio studio, Guid runId)
    {
        await using var db = studio.Database();
        return await db.Runs.AsNoTracking().SingleAsync(r => r.Id == runId);
    }

    private static async Task<double> FinalLossAsync(RemoteStudio studio, Guid runId)
    {
        await using var db = studio.Database();
        var last = await db.Metrics.AsNoTracking().Where(m => m.RunId == runId && m.Name == "loss/total" && m.Step == Steps)
            .OrderByDescending(m => m.Id).FirstAsync();
        return last.Value!.Value;
    }
}
