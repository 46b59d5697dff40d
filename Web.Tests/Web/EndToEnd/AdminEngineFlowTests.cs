using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Engine;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

/// <summary>
/// Issue 10 with nothing faked behind the seams: in a real Chromium, an admin trains the smoke model's adapters on
/// its world dataset, watches the charts fill, makes the last checkpoint the active adapters, and the studio's next
/// pair is made with them. The class joins the smoke engine's collection so the smoke model is built once; its
/// browser is a class fixture of its own.
/// </summary>
[Collection(SmokeEngineCollection.Name)]
public sealed class AdminEngineFlowTests(SmokeEngine engine, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>, IDisposable
{
    // The engine trains and generates on a shared 2-core CPU: every wait on it is long.
    private const float EngineTimeout = 300_000;
    private const float PageTimeout = 60_000;

    private readonly TempFolder _data = new("admin-engine");
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    // Where the time goes, in the test's output: the CPU is shared, so a slow run should say which stage was slow.
    private void Phase(string name) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,7:0.0} s  {name}");

    private async Task<StudioFactory> ServeAsync()
    {
        var factory = new StudioFactory(_data.Path, backend: null, new Dictionary<string, string?>
        {
            ["Engine:ModelFolder"] = engine.ModelFolder,
            ["Engine:Device"] = "cpu",
            ["Training:DatasetRoots:0"] = engine.Work,
            ["Training:OutputFolder"] = Path.Combine(_data.Path, "training-runs"),
            ["Training:SampleSteps"] = "1",
            ["Training:SamplePairs"] = "1",
            ["Models:Roots:0"] = engine.ModelsRoot,
        })
        {
            EngineDoubles = services => services.AddSingleton<IGenerationBackend, EngineGenerationBackend>(),
        };
        await factory.ServeOverKestrel().ReadyAsync();
        var state = factory.Get<EngineState>();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (!state.Status.Ready && !factory.Logs.Entries.Any(e => e.Level >= LogLevel.Error) && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        if (state.Status.Ready)
            return factory;
        var problem = $"{state.Status.Problem}\n{string.Join("\n", factory.Logs.Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}"))}";
        await factory.DisposeAsync();
        throw new InvalidOperationException($"The engine never got ready on the smoke model: {problem}");
    }

    private static ILocator Field(IPage page, string label) =>
        page.Locator(".mud-input-control", new() { Has = page.Locator("label", new() { HasTextRegex = new Regex($"^{Regex.Escape(label)}$") }) })
            .Locator("input");

    private static LocatorAssertionsToHaveTextOptions Slow(float timeout) => new() { Timeout = timeout };

    // A refused launch shows its problems instead of navigating: fail with them and the server's log, not a bare timeout.
    private static async Task WaitForRunPageAsync(IPage page, StudioFactory factory)
    {
        var problems = page.Locator("[data-testid=launch-problem]");
        var deadline = DateTime.UtcNow.AddMilliseconds(PageTimeout);
        while (!Regex.IsMatch(page.Url, "/admin/training/[0-9a-f-]{36}$"))
        {
            if (await problems.CountAsync() > 0 || DateTime.UtcNow > deadline)
            {
                var said = string.Join("; ", await problems.AllTextContentsAsync());
                var logged = string.Join("\n", factory.Logs.Entries.TakeLast(40).Select(e => $"{e.Level} {e.Category}: {e.Message}"));
                Assert.Fail($"the run page never opened (still at {page.Url}); the page says: [{said}]; the server logged:\n{logged}");
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task An_admin_trains_from_the_browser_and_the_studio_makes_its_next_pair_with_the_chosen_checkpoint()
    {
        await using var factory = await ServeAsync();
        Phase("engine ready");
        var before = factory.Get<EngineState>().Status.Info!.AdapterHash;
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        var page = await browser.NewPageAsync(factory.KestrelAddress);
        page.SetDefaultTimeout(PageTimeout);

        await page.GotoAsync("/admin/training");
        await page.SignInAsAdminAsync();
        Assert.EndsWith("/admin/training", page.Url);
        Phase("signed in");

        await page.Locator("[data-testid=folder-entry]", new() { HasTextRegex = new Regex("^work$") }).ClickAsync();
        await page.Locator("[data-testid=folder-entry]", new() { HasTextRegex = new Regex("^world$") }).ClickAsync();
        await page.Locator("[data-testid=folder-choose]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=folder-chosen]")).ToHaveTextAsync(engine.World, Slow(PageTimeout));
        await page.EnterAsync("train-steps", "6");
        await page.EnterAsync("checkpoint-every", "3");
        await page.EnterAsync("samples-every", "3");
        await Field(page, "Batch size").EnterAsync("2");
        await Field(page, "Warm-up steps").EnterAsync("1");
        await Field(page, "Learning rate").EnterAsync("0.001");
        await Field(page, "Limit on samples (empty: all)").EnterAsync("4");
        await page.Locator("[data-testid=check-dataset]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=dataset-usable]")).ToHaveTextAsync("4 usable examples.", Slow(PageTimeout));
        await page.Locator("[data-testid=launch-training]").ClickAsync();
        Phase("dataset checked, launched");

        await WaitForRunPageAsync(page, factory);
        await page.Locator("nav.admin-nav[data-ready=true]").WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-state]")).ToHaveTextAsync("Completed", Slow(EngineTimeout));
        Phase("training completed");
        await Assertions.Expect(page.Locator("[data-testid=run-step]")).ToHaveTextAsync("6", Slow(PageTimeout));
        var charts = page.Locator("[data-testid=chart]");
        Assert.True(await charts.CountAsync() >= 6, $"only {await charts.CountAsync()} charts");
        for (var i = 0; i < await charts.CountAsync(); i++)
        {
            var points = int.Parse((await charts.Nth(i).GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture);
            Assert.True(points >= 6, $"chart {i} has {points} points");
            Assert.True(await charts.Nth(i).Locator("svg path").CountAsync() > 0, $"chart {i} draws no line");
        }

        // One validation pair at steps 3 and 6, each an audio-conditioned and a text-only image.
        await Assertions.Expect(page.Locator("[data-testid=samples] img")).ToHaveCountAsync(4, new() { Timeout = PageTimeout });
        var checkpoints = page.Locator("[data-testid=checkpoint]");
        await Assertions.Expect(checkpoints).ToHaveCountAsync(2, new() { Timeout = PageTimeout });
        await Assertions.Expect(checkpoints.Nth(1).Locator("td").First).ToHaveTextAsync("step 6", Slow(PageTimeout));
        var folder = (await checkpoints.Nth(1).Locator("code").TextContentAsync())!;
        Assert.StartsWith(Path.Combine(_data.Path, "training-runs"), folder);
        var expected = ModelHash.OfFile(Path.Combine(folder, "adapters", AdapterFolder.WeightsFile));
        Assert.NotEqual(before, expected);
        await checkpoints.Nth(1).Locator("[data-testid=use-checkpoint]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=activation]")).ToHaveTextAsync("Active from the next job.", Slow(EngineTimeout));
        Phase("checkpoint activated");

        await page.GotoAsync("/admin/models");
        await Assertions.Expect(page.Locator("[data-testid=active-adapters]")).ToHaveTextAsync(folder, Slow(PageTimeout));
        await Assertions.Expect(page.Locator("[data-testid=model-folder]", new() { HasText = "training run" })).ToHaveCountAsync(2, new() { Timeout = PageTimeout });

        var clip = _data.File("tone.wav");
        await File.WriteAllBytesAsync(clip, Wav.Tone(1.0));
        await page.GotoAsync("/");
        await page.Locator(".audio-root[data-ready=true]").WaitForAsync();
        await page.Locator("[data-testid=audio-file]").SetInputFilesAsync(clip);
        await Assertions.Expect(page.Locator("[data-testid=audio-clip]")).ToContainTextAsync("tone.wav", new() { Timeout = PageTimeout });
        await page.Locator("textarea[data-testid=prompt]").FillAsync("a red circle");
        await page.EnterAsync("steps", "4");
        await page.Locator("[data-testid=generate-pair]").ClickAsync();
        Phase("pair submitted");
        await page.Locator("[data-testid=result]").WaitForAsync(new() { Timeout = EngineTimeout });
        Phase("pair shown");
        Assert.Equal(2, await page.Locator("[data-testid=result] img").CountAsync());

        var href = (await page.Locator("[data-testid=result] a[href^='/gallery/']").GetAttributeAsync("href"))!;
        var job = href["/gallery/".Length..];
        var conditioned = await page.APIRequest.GetAsync($"/api/jobs/{job}/images/audio-conditioned");
        Assert.True(conditioned.Ok, $"the audio-conditioned image answered {conditioned.Status}");
        var recorded = JsonDocument.Parse(PngReader.Parse(await conditioned.BodyAsync()).Text(GenerationParameters.JsonKeyword)!).RootElement;
        Assert.Equal(expected, recorded.GetProperty("adapters_hash").GetString());
        Assert.NotEqual("text-only", recorded.GetProperty("condition").GetString());

        await page.GotoAsync("/about");
        await Assertions.Expect(page.Locator("[data-testid=adapter-hash]")).ToHaveTextAsync(expected, Slow(PageTimeout));
        await page.Context.CloseAsync();
    }

    public void Dispose() => _data.Dispose();
}
