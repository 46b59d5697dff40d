using System.Globalization;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.Admin;

/// <summary>An admin trains from the browser on the demo world and makes the run's checkpoint the active adapter set.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminFlowTests(BrowserFixture browser) : IDisposable
{
    private readonly AdminWorld _world = new();

    [Fact]
    public async Task A_training_run_launched_from_the_admin_page_fills_its_charts_and_its_checkpoint_becomes_the_active_adapters()
    {
        _world.Training.StepDelay = TimeSpan.FromMilliseconds(150);
        await using var factory = await _world.Factory().ServeOverKestrel().ReadyAsync();
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        var page = await browser.NewPageAsync(factory.KestrelAddress);

        await page.GotoAsync("/admin/training");
        Assert.Contains("/account/login?ReturnUrl=%2Fadmin%2Ftraining", page.Url);
        await page.SignInAsAdminAsync();
        Assert.EndsWith("/admin/training", page.Url);

        await page.Locator("[data-testid=folder-entry]", new() { HasText = "datasets" }).ClickAsync();
        await page.Locator("[data-testid=folder-entry]", new() { HasText = "demo-world" }).ClickAsync();
        await page.Locator("[data-testid=folder-choose]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=folder-chosen]")).ToHaveTextAsync(_world.Demo);
        await page.EnterAsync("train-steps", "8");
        await page.EnterAsync("checkpoint-every", "3");
        await page.EnterAsync("samples-every", "2");
        await page.Locator("[data-testid=check-dataset]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=dataset-usable]")).ToContainTextAsync("4 usable examples, 1 files skipped");
        await page.Locator("[data-testid=launch-training]").ClickAsync();

        // The launch round-trips through the circuit and the run store. A refused launch shows its reasons instead
        // of navigating; the test says what they were rather than only that the page never moved.
        var launched = page.WaitForURLAsync("**/admin/training/*", new() { Timeout = 90_000 });
        var refused = page.Locator("[data-testid=launch-problem]").First.WaitForAsync(new() { Timeout = 90_000 });
        _ = refused.ContinueWith(t => t.Exception, TaskScheduler.Default);
        if (await Task.WhenAny(launched, refused) == refused && refused.IsCompletedSuccessfully)
            Assert.Fail("The launch was refused: " + string.Join(" | ", await page.Locator("[data-testid=launch-problem]").AllTextContentsAsync()));
        await launched;
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

    [Fact]
    public async Task An_admin_makes_a_study_of_gallery_pairs_opens_it_and_its_link_leads_to_the_consent_page()
    {
        await using var factory = await _world.Factory().ServeOverKestrel().ReadyAsync();
        await factory.PairsAsync(2, "a tram in the fog");
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        var page = await browser.NewPageAsync(factory.KestrelAddress);

        await page.GotoAsync("/admin/studies/new");
        await page.SignInAsAdminAsync();
        await page.EnterAsync("study-name", "Fog and trams");
        await page.EnterAsync("study-target", "40");
        await page.EnterAsync("study-checks", "1");
        var candidates = page.Locator("[data-testid=candidate]");
        await Assertions.Expect(candidates).ToHaveCountAsync(2);
        await candidates.Nth(0).ClickAsync();
        await candidates.Nth(1).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=chosen-count]")).ToHaveTextAsync("2 chosen");
        await Assertions.Expect(page.Locator("[data-testid=gallery-warning]")).ToContainTextAsync("participants may already have seen them");
        await page.Locator("[data-testid=create-study]").ClickAsync();

        await page.WaitForURLAsync("**/admin/studies/*-*");
        await Assertions.Expect(page.Locator("[data-testid=study-state]")).ToHaveTextAsync("Ready");
        await page.Locator("nav.admin-nav[data-ready=true]").WaitForAsync();
        await page.Locator("[data-testid=open-study]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=study-state]")).ToHaveTextAsync("Open");
        await Assertions.Expect(page.Locator("[data-testid=study-access]")).ToContainTextAsync("open link: a pilot");
        await Assertions.Expect(page.GetByText("pair (from the public gallery)")).ToHaveCountAsync(2);
        var link = await page.Locator("[data-testid=join-url]").TextContentAsync();

        var participant = await browser.NewPageAsync(factory.KestrelAddress);
        await participant.GotoAsync(link!);
        await Assertions.Expect(participant.Locator("h1")).ToHaveTextAsync("Fog and trams");
        await Assertions.Expect(participant.Locator("[data-testid=consent]")).ToContainTextAsync("You will see 3 pairs of images");
        var gallery = await participant.APIRequest.GetAsync("/api/gallery");
        Assert.Contains("\"total\":0", await gallery.TextAsync());
        await participant.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    public void Dispose() => _world.Dispose();
}
