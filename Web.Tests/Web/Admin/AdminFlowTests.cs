using System.Globalization;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.Admin;

/// <summary>An admin trains from the browser on the demo world and makes the run's checkpoint the active adapter set.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminFlowTests(BrowserFixture browser) : IDisposable
{
    private readonly AdminWorld _world = new();

    private static async Task SignInAsync(IPage page)
    {
        await page.Locator("[data-testid=email]").FillAsync("admin@example.org");
        await page.Locator("[data-testid=password]").FillAsync(AdminWeb.Password);
        await page.Locator("[data-testid=sign-in]").ClickAsync();
        await page.Locator("nav.admin-nav[data-ready=true]").WaitForAsync();
    }

    private static async Task FillAsync(IPage page, string testId, string value)
    {
        await page.Locator($"input[data-testid={testId}]").FillAsync(value);
        await page.Locator($"input[data-testid={testId}]").PressAsync("Tab");
    }

    [Fact]
    public async Task A_training_run_launched_from_the_admin_page_fills_its_charts_and_its_checkpoint_becomes_the_active_adapters()
    {
        _world.Training.StepDelay = TimeSpan.FromMilliseconds(150);
        await using var factory = await _world.Factory().ServeOverKestrel().ReadyAsync();
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        var page = await browser.NewPageAsync(factory.KestrelAddress);

        await page.GotoAsync("/admin/training");
        Assert.Contains("/account/login?ReturnUrl=%2Fadmin%2Ftraining", page.Url);
        await SignInAsync(page);
        Assert.EndsWith("/admin/training", page.Url);

        await page.Locator("[data-testid=folder-entry]", new() { HasText = "datasets" }).ClickAsync();
        await page.Locator("[data-testid=folder-entry]", new() { HasText = "demo-world" }).ClickAsync();
        await page.Locator("[data-testid=folder-choose]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=folder-chosen]")).ToHaveTextAsync(_world.Demo);
        await FillAsync(page, "train-steps", "8");
        await FillAsync(page, "checkpoint-every", "3");
        await FillAsync(page, "samples-every", "2");
        await page.Locator("[data-testid=check-dataset]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=dataset-usable]")).ToContainTextAsync("4 usable examples, 1 files skipped");
        await page.Locator("[data-testid=launch-training]").ClickAsync();

        await page.WaitForURLAsync("**/admin/training/*");
        await page.Locator("nav.admin-nav[data-ready=true]").WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-state]")).ToHaveTextAsync("Completed", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=run-step]")).ToHaveTextAsync("8");
        var charts = page.Locator("[data-testid=chart]");
        Assert.Equal(6, await charts.CountAsync());
        for (var i = 0; i < 6; i++)
        {
            var points = int.Parse((await charts.Nth(i).GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture);
            Assert.True(points >= 8, $"chart {i} has {points} points");
            Assert.True(await charts.Nth(i).Locator("svg path").CountAsync() > 0, $"chart {i} draws no line");
        }

        await Assertions.Expect(page.Locator("[data-testid=samples] img")).ToHaveCountAsync(4);
        var checkpoints = page.Locator("[data-testid=checkpoint]");
        await Assertions.Expect(checkpoints).ToHaveCountAsync(3);
        var folder = await checkpoints.Nth(2).Locator("code").TextContentAsync();
        await checkpoints.Nth(2).Locator("[data-testid=use-checkpoint]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=activation]")).ToContainTextAsync("Active from the next job.");

        await page.GotoAsync("/admin/models");
        await Assertions.Expect(page.Locator("[data-testid=active-adapters]")).ToHaveTextAsync(folder!);
        await Assertions.Expect(page.Locator("[data-testid=model-folder]", new() { HasText = "training run" })).ToHaveCountAsync(3);
        await StudioApi.WaitUntilAsync(() => _world.Models.Active.AdapterFolder == folder, "the engine takes the checkpoint");
        await page.Context.CloseAsync();
    }

    public void Dispose() => _world.Dispose();
}
