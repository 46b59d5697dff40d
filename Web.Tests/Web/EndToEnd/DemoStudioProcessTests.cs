using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

/// <summary>
/// The studio flow against the built server started as its own process on a free port, with a temporary data
/// folder and the embedded demo model: a demo-world clip in, previews streaming, the pair out, a rating, a
/// restart, and the pair still in the gallery.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DemoStudioProcessTests(BrowserFixture browser) : IDisposable
{
    private readonly TempFolder _data = new("demo-studio");

    // Short previews so that a few arrive even though the demo model's steps take milliseconds.
    // Without the showcase examples, so the gallery holds only this test's pair.
    private static readonly Dictionary<string, string> Settings = new() { ["Queue__PreviewInterval"] = "00:00:00.010", ["Studio__SeedExamples"] = "false" };

    [Fact]
    public async Task Upload_a_demo_clip_watch_previews_rate_restart_and_find_it_in_the_gallery()
    {
        var clip = _data.File("rain-and-bell.wav");
        var scene = new DemoScene("circle", "red", "bell", null, "rain");
        WavWriter.Write(clip, SceneSynthesizer.Synthesize(scene, new SeededRandom(7), 48000, 10), 48000);
        const string prompt = "a red circle";

        await using (var server = await ServerProcess.StartAsync(_data.File("data"), Settings))
        {
            var page = await browser.NewPageAsync(server.Address);
            await page.GotoAsync("/");
            await page.Locator(".audio-root[data-ready=true]").WaitForAsync();
            await page.Locator("[data-testid=audio-file]").SetInputFilesAsync(clip);
            await Assertions.Expect(page.Locator("[data-testid=audio-clip]")).ToContainTextAsync("rain-and-bell.wav");
            await page.Locator("textarea[data-testid=prompt]").FillAsync(prompt);
            await page.EnterAsync("steps", "30");
            await page.Locator("[data-testid=generate-pair]").ClickAsync();

            var previews = await page.WatchPreviewsUntilResultAsync(90, 5);
            var result = page.Locator("[data-testid=result]");

            Assert.True(await result.IsVisibleAsync(), $"no result within 90 s; server said:\n{string.Join('\n', server.Output.TakeLast(30))}");
            Assert.True(previews.Count >= 2, $"only {previews.Count} distinct previews arrived");
            Assert.Equal(2, await page.Locator("[data-testid=result] img").CountAsync());
            var relation = await page.Locator("[data-testid=relation]").TextContentAsync();
            Assert.Contains(relation, new[] { "matching", "complementary", "creative", "contradictory" });
            await page.Locator("input[data-testid=verdict-improved]").ClickAsync();
            await page.Locator("[data-testid=save-rating]").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=rating-summary]")).ToContainTextAsync("1 rating: 1 improved");
            await page.Context.CloseAsync();
        }

        await using (var restarted = await ServerProcess.StartAsync(_data.File("data"), Settings))
        {
            var page = await browser.NewPageAsync(restarted.Address);
            await page.GotoAsync("/gallery");
            var row = page.Locator("[data-testid=gallery-item]").Filter(new() { HasText = prompt });
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await row.Locator("a.prompt").ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(prompt);
            await Assertions.Expect(page.Locator("[data-testid=rating-summary]")).ToContainTextAsync("1 improved");
            await page.Context.CloseAsync();
        }
    }

    public void Dispose() => _data.Dispose();
}
