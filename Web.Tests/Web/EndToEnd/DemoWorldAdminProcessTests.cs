using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

/// <summary>
/// Issue 26: on a fresh data folder with no configuration but the first admin, the built server on the embedded
/// demo model lets that admin train on the demo world (its dataset built on first use, shown with its progress)
/// and evaluate on it, from the browser.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DemoWorldAdminProcessTests(BrowserFixture browser, ITestOutputHelper output) : IDisposable
{
    // A shared, loaded 2-core CPU builds the dataset, trains and evaluates: every wait on the engine is long.
    private const float EngineTimeout = 300_000;
    private const string Admin = "admin@example.org";

    private readonly TempFolder _data = new("demo-world-admin");
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private void Phase(string name) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,7:0.0} s  {name}");

    private static ILocator Field(IPage page, string label) =>
        page.Locator(".mud-input-control", new() { Has = page.Locator("label", new() { HasTextRegex = new Regex($"^{Regex.Escape(label)}$") }) })
            .Locator("input");

    private static LocatorAssertionsToHaveTextOptions Slow => new() { Timeout = EngineTimeout };

    // A refused launch shows its problems instead of navigating: fail with them and the server's output, not a bare timeout.
    private static async Task WaitForRunPageAsync(IPage page, ServerProcess server, string area)
    {
        var problems = page.Locator("[data-testid=launch-problem]");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Regex.IsMatch(page.Url, $"/admin/{area}/[0-9a-f-]{{36}}$"))
        {
            if (await problems.CountAsync() > 0 || DateTime.UtcNow > deadline)
                Assert.Fail($"the {area} run page never opened (still at {page.Url}); the page says: " +
                    $"[{string.Join("; ", await problems.AllTextContentsAsync())}]; the server said:\n{string.Join('\n', server.Output.TakeLast(40))}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task The_first_admin_trains_and_evaluates_on_the_demo_world_with_no_configuration()
    {
        await using var server = await ServerProcess.StartAsync(_data.File("data"),
            new Dictionary<string, string> { ["Admin__Email"] = Admin, ["Admin__Password"] = AdminWeb.Password });
        var page = await browser.NewPageAsync(server.Address);
        await page.GotoAsync("/admin/training");
        await page.SignInAsAdminAsync(Admin);
        Phase("signed in");

        // No dataset roots: the demo world is the choice, and choosing it (opening the page) builds its dataset.
        await Assertions.Expect(page.Locator("[data-testid=demo-world-sizing]")).ToContainTextAsync("sized for a CPU");
        await Assertions.Expect(page.Locator("[data-testid=demo-world-ready]")).ToContainTextAsync("500 clips", new() { Timeout = EngineTimeout });
        Assert.True(File.Exists(Path.Combine(server.DataFolder, "datasets", "demo-world", "demo-world.json")));
        Phase("demo world dataset built");

        await page.EnterAsync("train-steps", "4");
        await page.EnterAsync("checkpoint-every", "2");
        await page.EnterAsync("samples-every", "2");
        await Field(page, "Batch size").EnterAsync("2");
        await Field(page, "Warm-up steps").EnterAsync("1");
        await Field(page, "Limit on samples (empty: all)").EnterAsync("8");
        await page.Locator("[data-testid=check-dataset]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=dataset-usable]")).ToHaveTextAsync("8 usable examples.");
        await page.Locator("[data-testid=launch-training]").ClickAsync();
        await WaitForRunPageAsync(page, server, "training");
        await Assertions.Expect(page.Locator("[data-testid=run-state]")).ToHaveTextAsync("Completed", Slow);
        Phase("training completed");
        await Assertions.Expect(page.Locator("[data-testid=run-step]")).ToHaveTextAsync("4");
        var charts = page.Locator("[data-testid=chart]");
        Assert.True(await charts.CountAsync() >= 6, $"only {await charts.CountAsync()} charts");
        for (var i = 0; i < await charts.CountAsync(); i++)
        {
            var points = int.Parse((await charts.Nth(i).GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture);
            Assert.True(points >= 4, $"chart {i} has {points} points");
            Assert.True(await charts.Nth(i).Locator("svg path").CountAsync() > 0, $"chart {i} draws no line");
        }
        await Assertions.Expect(page.Locator("[data-testid=checkpoint]")).ToHaveCountAsync(2);

        await page.GotoAsync("/admin/evaluation");
        await page.Locator("nav.admin-nav[data-ready=true]").WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=demo-world-sizing]")).ToContainTextAsync("evaluate --world demo");
        await page.EnterAsync("evaluation-samples", "4");
        await page.EnterAsync("evaluation-steps", "4");
        await page.Locator("[data-testid=launch-evaluation]").ClickAsync();
        await WaitForRunPageAsync(page, server, "evaluation");
        await Assertions.Expect(page.Locator("[data-testid=run-state]")).ToHaveTextAsync("Completed", Slow);
        Phase("evaluation completed");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Evaluation on the demo world");
        await Assertions.Expect(page.Locator("[data-testid=report-markdown]")).ToContainTextAsync("demo");
        Assert.True(await page.Locator("[data-testid=report-image]").CountAsync() > 0, "the report shows no images");
        Assert.True(await page.Locator("[data-testid=summary-row]").CountAsync() > 0, "the report has no summary numbers");
        await page.Context.CloseAsync();
    }

    public void Dispose() => _data.Dispose();
}
